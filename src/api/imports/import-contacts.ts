import { writeContext } from '../../core/shared/write-context.js';
import { readInstant } from '../../core/feedback/dates.js';
import { refreshGuestStatistics, resolveArrivalBatch, type BatchArrival } from '../../core/guests/batch-identity.js';
import type { GuestFields } from '../../core/guests/guests.js';
import { normaliseArrivalFields } from '../../core/guests/identity.js';
import { recordImportCompleted } from '../../core/events/import-events.js';
import { refreshStayStatistics, STAY_STATUSES, type StayByRef, type StayStatus, upsertStaysByRef } from '../../core/stays/stays.js';
import type { Db } from '../../db/database.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { resolveLocation } from './config-ids.js';
import { type FormerIds, readIds, type Ref } from './config-records.js';
import { messageOf, runImport, underSavepoint, type ImportOptions, type ImportSource } from './import-batches.js';
import type { ImportFailure, ImportResult } from './json-lines.js';
import { checkText as checkString, RecordError } from './record-fields.js';

/*
 * Guest history (docs/import.md, "Contacts"): the guests of the product a hotel leaves with their
 * external keys (a Loop Contact's foreignId...), their former ids and their past stays. A contact
 * goes through identity resolution like any arrival (core/contacts upsertContact), so the first
 * ContactEvent after the move finds its guest by its key, and the same person is not created
 * twice. Each line is written whole or not at all; importing a file again updates.
 */

interface StayRecord {
  ref: string;
  location: Ref | null;
  bookingReference: string | null;
  arrivalAt: number | null;
  departureAt: number | null;
  room: string | null;
  status: StayStatus | undefined;
}

interface ContactRecord {
  ids: FormerIds;
  keys: Array<{ source: string; key: string }>;
  fields: GuestFields;
  stays: StayRecord[];
}

const FIELDS = ['ids', 'keys', 'foreignId', 'firstName', 'lastName', 'name', 'email', 'mobile', 'language', 'vipStatus', 'groupName', 'customFields', 'stays'];
const STAY_FIELDS = ['ref', 'location', 'bookingReference', 'arrival', 'departure', 'room', 'status'];

/** Where imported past stays are kept (by their `ref`), apart from the stays each face keys. */
const HISTORY_SOURCE = 'import';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, key: string, max = 255): string | null {
  if (value === undefined || value === null) return null;
  return checkString(typeof value === 'number' ? String(value) : value, key, max);
}

function readContact(value: unknown): ContactRecord {
  if (!isObject(value)) throw new RecordError('a line must be a JSON object');
  for (const key of Object.keys(value)) if (!FIELDS.includes(key)) throw new RecordError(`${key} is not a field of a contact line`);
  const ids = readIds(value.ids);
  if (ids.loopon !== undefined) throw new RecordError('ids.loopon: Loopon has no guest ids');
  const keys: ContactRecord['keys'] = [];
  const foreignId = text(value.foreignId, 'foreignId');
  if (foreignId) keys.push({ source: 'loop', key: foreignId });
  if (value.keys !== undefined) {
    if (!Array.isArray(value.keys) || value.keys.length > 20) throw new RecordError('keys must be an array of at most 20 {source, key}');
    value.keys.forEach((k, i) => {
      if (!isObject(k)) throw new RecordError(`keys[${i}] must be an object {source, key}`);
      const source = text(k.source, `keys[${i}].source`, 50);
      const key = text(k.key, `keys[${i}].key`);
      if (!source || !key) throw new RecordError(`keys[${i}] needs a source and a key`);
      keys.push({ source: source.toLowerCase(), key });
    });
  }
  const customFields = value.customFields;
  if (customFields !== undefined && customFields !== null && (!isObject(customFields) || Object.values(customFields).some((v) => typeof v !== 'string'))) {
    throw new RecordError('customFields must be an object of texts');
  }
  const fields: GuestFields = {
    firstName: text(value.firstName, 'firstName'),
    lastName: text(value.lastName, 'lastName'),
    name: text(value.name, 'name'),
    email: text(value.email, 'email'),
    mobile: text(value.mobile, 'mobile', 40),
    language: text(value.language, 'language', 20),
    vipStatus: text(value.vipStatus, 'vipStatus', 100),
    groupName: text(value.groupName, 'groupName'),
    ...(customFields ? { customFields: customFields as Record<string, string> } : {}),
  };
  for (const key of Object.keys(fields) as Array<keyof GuestFields>) if (fields[key] === null) delete fields[key];
  if (!ids.loop && keys.length === 0 && !fields.email && !fields.mobile) {
    throw new RecordError('a contact needs ids.loop, a key (foreignId or keys), an email or a mobile number');
  }
  const stays = value.stays ?? [];
  if (!Array.isArray(stays) || stays.length > 1000) throw new RecordError('stays must be an array of at most 1000 stays');
  return { ids, keys, fields, stays: stays.map((s, i) => readStay(s, `stays[${i}]`)) };
}

function readStay(value: unknown, at: string): StayRecord {
  if (!isObject(value)) throw new RecordError(`${at} must be an object`);
  for (const key of Object.keys(value)) if (!STAY_FIELDS.includes(key)) throw new RecordError(`${at}.${key} is not a field of a stay`);
  const instant = (key: string) => {
    const v = value[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new RecordError(`${at}.${key} must be an ISO 8601 instant`);
    return readInstant(v, `${at}.${key}`);
  };
  const arrivalAt = instant('arrival');
  const departureAt = instant('departure');
  if (arrivalAt !== null && departureAt !== null && departureAt < arrivalAt) throw new RecordError(`${at}.departure is before its arrival`);
  const status = value.status;
  if (status !== undefined && !(STAY_STATUSES as unknown[]).includes(status)) throw new RecordError(`${at}.status must be one of ${STAY_STATUSES.join(', ')}`);
  const bookingReference = text(value.bookingReference, `${at}.bookingReference`);
  const ref = text(value.ref, `${at}.ref`) ?? bookingReference ?? (arrivalAt === null ? null : `arrival:${new Date(arrivalAt).toISOString()}`);
  if (!ref) throw new RecordError(`${at} needs a ref, a bookingReference or an arrival (what keys it when imported again)`);
  const location = value.location;
  return {
    ref,
    location:
      location === undefined || location === null
        ? null
        : typeof location === 'number'
          ? readIds({ loopon: location })
          : typeof location === 'string'
            ? location
            : readIds(location, `${at}.location`),
    bookingReference,
    arrivalAt,
    departureAt,
    room: text(value.room, `${at}.room`, 50),
    status: status as StayStatus | undefined,
  };
}

/** The location ids of the lines' stays (one read per distinct reference), or the line's error. */
async function stayLocations(db: Db, accountId: number, r: ContactRecord, cache: Map<string, number | Error>): Promise<Array<number | undefined>> {
  const out: Array<number | undefined> = [];
  for (const [i, s] of r.stays.entries()) {
    if (s.location === null) {
      out.push(undefined);
      continue;
    }
    const ref = JSON.stringify(s.location);
    let id = cache.get(ref);
    if (id === undefined) {
      try {
        id = await resolveLocation(db, accountId, s.location, `stays[${i}].location`);
      } catch (err) {
        id = err instanceof Error ? err : new Error(String(err));
      }
      cache.set(ref, id);
    }
    if (id instanceof Error) throw new RecordError(id.message.replace(/^stays\[\d+\]/, `stays[${i}]`));
    out.push(id);
  }
  return out;
}

/**
 * Writes a batch of contacts set-based: identity resolution for the whole batch at once
 * (core/guests/batch-identity.ts, the same answers as one contact at a time), then their stays in
 * multi-row writes. A line that fails changes nothing; the others are written.
 */
async function writeContacts(db: Db, accountId: number, items: Array<{ line: number; item: ContactRecord }>): Promise<ImportFailure[]> {
  const failed: ImportFailure[] = [];
  const locations = new Map<string, number | Error>();
  const good: Array<{ line: number; r: ContactRecord; locations: Array<number | undefined>; arrival: BatchArrival }> = [];
  for (const { line, item: r } of items) {
    try {
      const ids = await stayLocations(db, accountId, r, locations);
      const fields = await normaliseArrivalFields(db, accountId, r.fields);
      good.push({
        line,
        r,
        locations: ids,
        arrival: {
          source: HISTORY_SOURCE,
          keys: r.keys.map((k) => ({ source: k.source, value: k.key })),
          ...(r.ids.loop !== undefined ? { loopId: r.ids.loop } : {}),
          fields,
        },
      });
    } catch (err) {
      failed.push({ line, error: messageOf(err) });
    }
  }
  const now = Date.now();
  const outcomes = await resolveArrivalBatch(
    writeContext(db, accountId),
    good.map((g) => g.arrival),
    now,
  );
  const stays: StayByRef[] = [];
  good.forEach((g, i) => {
    const outcome = outcomes[i];
    if ('error' in outcome) {
      failed.push({ line: g.line, error: outcome.code === 'loop_id' ? `ids.loop: ${outcome.error}` : outcome.error });
      return;
    }
    for (const [j, s] of g.r.stays.entries()) {
      stays.push({
        guestId: outcome.guestId,
        source: HISTORY_SOURCE,
        ref: `${outcome.guestId}:${s.ref}`,
        newGuest: outcome.created,
        fields: {
          locationId: g.locations[j],
          bookingReference: s.bookingReference,
          arrivalAt: s.arrivalAt,
          departureAt: s.departureAt,
          room: s.room,
          ...(s.status ? { status: s.status } : {}),
          language: g.r.fields.language,
        },
      });
    }
  });
  await upsertStaysByRef(db, accountId, stays, now);
  return failed.sort((a, b) => a.line - b.line);
}

/** Lines per transaction of a contacts import (set-based: a larger batch costs fewer statements per line). */
export const CONTACTS_BATCH = 2000;

/**
 * Imports contacts with their keys, former ids and past stays, in set-based batches; each line on
 * its own (a bad line changes nothing). Records one summary event, `import.completed`, when the
 * import ends (never one per guest or stay: docs/import.md).
 */
export async function importContacts(db: Db, accountId: number, records: ImportSource, opts: ImportOptions = {}): Promise<ImportResult> {
  const result = await runImport<ContactRecord>(
    db,
    records,
    {
      read: readContact,
      async write(trx, items) {
        try {
          return await underSavepoint(trx, 'contact_batch', () => writeContacts(trx, accountId, items));
        } catch {
          // The database refused the batch (a key taken meanwhile by another writer): line by line,
          // each read again, so one line's trouble costs that line only.
          const failed: ImportFailure[] = [];
          for (const one of items) {
            try {
              failed.push(...(await underSavepoint(trx, 'contact_line', () => writeContacts(trx, accountId, [one]))));
            } catch (err) {
              failed.push({ line: one.line, error: `could not be stored: ${messageOf(err)}` });
            }
          }
          return failed;
        }
      },
      async grown(db) {
        await refreshGuestStatistics(db);
        await refreshStayStatistics(db);
      },
    },
    { batchSize: CONTACTS_BATCH, ...opts },
  );
  await inWriteTransaction(db, async (trx) => {
    await recordImportCompleted(writeContext(trx, accountId), 'contacts', result);
    await opts.finish?.(trx);
  });
  return result;
}
