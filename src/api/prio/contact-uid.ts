import type { Db } from '../../db/database.js';
import type { Guest } from '../../db/schema.js';
import { findGuestByKey, keysOfGuests } from '../../core/guests/guest-keys.js';
import { findGuest } from '../../core/guests/guests.js';

/*
 * A contact's contact_uid. A UUID a client already used for the person (an imported contact of
 * the product the hotel leaves) is a guest key of source `prio`, kept for ever and moved with the
 * guest's keys on a merge. Every other guest answers to a UUID derived from its id: a fixed prefix
 * and the id in the last group, so it needs no row and never changes (the merged-away guest's
 * uid keeps answering, as its survivor).
 */

export const CONTACT_UID_SOURCE = 'prio';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** "opensta" + version 8 (custom) + variant 8: a UUID no random generator makes. */
const MINTED_PREFIX = '6f70656e-7374-8000-8000-';

export function isUuid(text: string): boolean {
  return UUID.test(text.toLowerCase());
}

export function mintedUid(guestId: number): string {
  return MINTED_PREFIX + guestId.toString(16).padStart(12, '0');
}

function mintedGuestId(uid: string): number | undefined {
  if (!uid.startsWith(MINTED_PREFIX)) return undefined;
  const id = Number.parseInt(uid.slice(MINTED_PREFIX.length), 16);
  return Number.isSafeInteger(id) && id > 0 && id <= 2147483647 ? id : undefined;
}

/** The guest a contact_uid names in the account (a merged-away guest answers as its survivor), or undefined. */
export async function guestByContactUid(db: Db, accountId: number, text: string): Promise<Guest | undefined> {
  const uid = text.toLowerCase();
  if (!UUID.test(uid)) return undefined;
  const keyed = await findGuestByKey(db, accountId, CONTACT_UID_SOURCE, uid);
  if (keyed) return findGuest(db, accountId, keyed.id);
  const id = mintedGuestId(uid);
  return id === undefined ? undefined : findGuest(db, accountId, id);
}

/** The contact_uid of each guest: its kept UUID, else the derived one. */
export async function contactUids(db: Db, accountId: number, guests: Guest[]): Promise<Map<number, string>> {
  const kept = await keysOfGuests(
    db,
    accountId,
    CONTACT_UID_SOURCE,
    guests.map((g) => g.id),
  );
  return new Map(guests.map((g) => [g.id, kept.get(g.id) ?? mintedUid(g.id)]));
}
