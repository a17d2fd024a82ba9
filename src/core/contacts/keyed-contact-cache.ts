import type { Guest, Stay } from '../../db/schema.js';
import type { KeyedContact } from './keyed-contact.js';
import { hasStayFields, stayChanges, type StayFields } from '../stays/stays.js';
import { guestChanges, type GuestFields } from '../guests/guests.js';

/*
 * Integrations resend whole contacts on every PMS change, most of them unchanged. On SQLite this
 * process is the database's only writer besides the occasional CLI command, so it can remember
 * the keyed contacts it last read or wrote and answer an unchanged resend without a transaction.
 *
 * The cache as a whole is exactly the database at one change stamp (db/change-stamp.ts),
 * `validAt`, and is used only while the database still shows that stamp, i.e. nothing wrote
 * since (another route of this process, a rolled-back write, the CLI): an unchanged resend is
 * then answered from it, and a changed one skips the read of the contact's rows. The keyed
 * contact path's own writes are the only ones it follows. Each is remembered from inside its
 * transaction, right after it wrote: one that began at `validAt` moves `validAt` to its closing
 * stamp together with that contact's rows; one that began elsewhere drops every entry first.
 * Readers outside the transaction (a resend) cannot see that before the commit: they need a stamp
 * read, which waits for the connection, and a failed commit calls `forget` before the connection
 * is released (db/sqlite-write-batch.ts). Answers from the cache are therefore exactly the answers
 * a transaction would give. PostgreSQL (several instances may share it; no stamp) never uses it.
 */

/** What the cache needs of a keyed contact write: the same input as upsertContact. */
export interface KeyedContactWrite {
  key: { source: string; value: string };
  fields: GuestFields;
  stay?: StayFields;
  /** set when stay.locationId is a client's reference still to be checked against the account */
  uncheckedLocation?: string;
}

interface KeyEntry {
  guestId: number;
  /** the stay kept under the key; null when there is none */
  stay: Stay | null;
}

export interface KeyedContactCache {
  /**
   * The guest, when the database is still at the cache's stamp and this contact would change
   * nothing in it; undefined when the write has to go to the database.
   */
  unchanged(stamp: string | undefined, accountId: number, write: KeyedContactWrite): Guest | undefined;
  /**
   * The key's guest, its keyed stay and the location check as the database holds them, when the
   * database is still at the cache's stamp and the cache holds them; undefined otherwise.
   */
  known(stamp: string | undefined, accountId: number, write: KeyedContactWrite): KeyedContact | undefined;
  /**
   * Records a keyed contact a transaction wrote, from inside it: `before` and `after` are the
   * change stamps read in it, before the contact was read and after it was written; `stay` is the
   * stay under the key as the transaction leaves it (null: none).
   */
  remember(before: string | undefined, after: string | undefined, accountId: number, write: KeyedContactWrite, guest: Guest, stay: Stay | null): void;
  /** Drops every entry: the transaction that wrote what was remembered did not commit. */
  forget(): void;
  /** number of keys held */
  readonly size: number;
  /** number of contacts answered from the cache so far */
  readonly hits: number;
}

/** A cache of at most `maxKeys` keyed contacts (beyond that the oldest tenth is dropped). */
export function createKeyedContactCache(maxKeys = 20_000): KeyedContactCache {
  let validAt: string | undefined;
  let hits = 0;
  const keys = new Map<string, KeyEntry>();
  // Guests apart from keys: one guest may carry several keys, and a write through one of them
  // must be seen through the others.
  const guests = new Map<number, Guest>();
  // Locations known to be the account's (`accountId:locationId`).
  const locations = new Set<string>();

  const keyOf = (accountId: number, key: KeyedContactWrite['key']) => `${accountId}\u0000${key.source}\u0000${key.value}`;
  const locationOf = (accountId: number, write: KeyedContactWrite) =>
    write.uncheckedLocation !== undefined && write.stay?.locationId != null ? `${accountId}:${write.stay.locationId}` : undefined;

  const clear = () => {
    validAt = undefined;
    keys.clear();
    guests.clear();
    locations.clear();
  };

  const makeRoom = () => {
    if (keys.size < maxKeys) return;
    let drop = Math.max(1, Math.floor(maxKeys / 10));
    for (const [key, entry] of keys) {
      keys.delete(key);
      guests.delete(entry.guestId);
      if (--drop === 0) break;
    }
  };

  const known = (stamp: string | undefined, accountId: number, write: KeyedContactWrite): KeyedContact | undefined => {
    if (stamp === undefined || stamp !== validAt) return undefined;
    const entry = keys.get(keyOf(accountId, write.key));
    const guest = entry && guests.get(entry.guestId);
    if (!entry || !guest) return undefined;
    const location = locationOf(accountId, write);
    if (location !== undefined && !locations.has(location)) return undefined;
    return { guest, stay: entry.stay ?? undefined, locationFound: location !== undefined };
  };

  return {
    known,

    unchanged(stamp, accountId, write) {
      const keyed = known(stamp, accountId, write);
      if (!keyed?.guest || guestChanges(keyed.guest, write.fields)) return undefined;
      if (write.stay && hasStayFields(write.stay) && (!keyed.stay || stayChanges(keyed.stay, keyed.guest.id, write.stay))) return undefined;
      hits++;
      return keyed.guest;
    },

    forget: clear,

    remember(before, after, accountId, write, guest, stay) {
      if (before === undefined || after === undefined) return;
      if (before !== validAt) clear();
      validAt = after;
      const key = keyOf(accountId, write.key);
      if (!keys.has(key)) makeRoom();
      keys.set(key, { guestId: guest.id, stay });
      guests.set(guest.id, guest);
      const location = locationOf(accountId, write);
      if (location !== undefined) locations.add(location);
    },

    get size() {
      return keys.size;
    },
    get hits() {
      return hits;
    },
  };
}
