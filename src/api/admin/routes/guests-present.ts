import { guestCustomFields } from '../../../core/guests/guests.js';
import type { MergeRecord } from '../../../core/merges/merge-record.js';
import { countMoved } from '../../../core/merges/guest-links.js';
import type { Guest, GuestMatch } from '../../../db/schema.js';

/* Guests, their keys, match records and merges in the admin API's shapes (camelCase, integer ids). */

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A guest profile; custom fields are stored as JSON text. */
export function presentGuest(guest: Guest) {
  return {
    id: guest.id,
    firstName: guest.first_name,
    lastName: guest.last_name,
    name: guest.name,
    email: guest.email,
    mobile: guest.mobile,
    language: guest.language,
    vipStatus: guest.vip_status,
    groupName: guest.group_name,
    customFields: guestCustomFields(guest),
    createdAt: guest.created_at,
    updatedAt: guest.updated_at,
  };
}

export function presentGuestKey(key: { source: string; key: string }) {
  return { source: key.source, value: key.key, key: `${key.source}:${key.key}` };
}

export function presentMatch(match: GuestMatch) {
  return {
    rule: match.rule,
    source: match.source,
    identifier: match.identifier,
    reason: match.reason,
    count: Number(match.count),
    firstAt: match.first_at,
    lastAt: match.last_at,
  };
}

/** A merge: what moved as counts per table, what was filled with its values. */
export function presentMerge({ merge, moved, filled }: MergeRecord) {
  return {
    id: Number(merge.id),
    survivorId: merge.survivor_id,
    mergedId: merge.merged_id,
    actor: merge.actor,
    createdAt: merge.created_at,
    splitAt: merge.split_at,
    moved: countMoved(moved),
    filled: Object.fromEntries(Object.entries(filled).map(([column, value]) => [camel(column), value])),
  };
}
