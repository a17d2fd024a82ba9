import type { Guest, Stay } from '../../db/schema.js';
import { hasStayFields, stayChanges, type StayFields } from '../stays/stays.js';
import { guestChanges, type GuestFields } from './guests.js';

/*
 * Integrations resend whole contacts on every PMS change, most of them unchanged. On SQLite this
 * process is the database's only writer besides the occasional CLI command, so it can remember
 * the keyed contacts it last read or wrote and answer an unchanged resend without a transaction.
 *
 * The cache as a whole is correct at one database change stamp (db/change-stamp.ts), `validAt`.
 * A resend is answered from it only when the database still shows that stamp, i.e. nothing wrote
 * since (another route of this process, a rolled-back transaction, the CLI), and no keyed contact
 * write is under way. The keyed contact path's own writes are the only ones the cache follows:
 * inside its transaction, which on SQLite runs alone, a write that began at `validAt` moves
 * `validAt` to its closing stamp together with that contact's rows; one that began elsewhere
 * drops every entry first. Should the transaction then fail (its commit included), every entry is
 * dropped before the next resend can be answered. Answers from the cache are therefore exactly
 * the answers the transaction would give. PostgreSQL (several instances may share it; no stamp)
 * never uses it.
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
   * Runs `write`, a transaction writing keyed contacts: no resend is answered from the cache
   * while it runs, and every entry is dropped when it fails.
   */
  writing<T>(write: () => Promise<T>): Promise<T>;
  /**
   * Records a keyed contact written by a transaction, from inside it: `before` and `after` are the
   * change stamps read in it, before the contact was read and after it was written; `stay` is the
   * stay under the key as the transaction leaves it (null: none).
   */
  remember(before: string | undefined, after: string | undefined, accountId: number, write: KeyedContactWrite, guest: Guest, stay: Stay | null): void;
  /** number of keys held */
  readonly size: number;
  /** number of contacts answered from the cache so far */
  readonly hits: number;
}

/** A cache of at most `maxKeys` keyed contacts (beyond that the oldest tenth is dropped). */
export function createKeyedContactCache(maxKeys = 20_000): KeyedContactCache {
  let validAt: string | undefined;
  let writes = 0;
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

  return {
    unchanged(stamp, accountId, write) {
      if (stamp === undefined || stamp !== validAt || writes > 0) return undefined;
      const entry = keys.get(keyOf(accountId, write.key));
      if (!entry) return undefined;
      const guest = guests.get(entry.guestId);
      if (!guest || guestChanges(guest, write.fields)) return undefined;
      if (write.stay && hasStayFields(write.stay)) {
        if (!entry.stay || stayChanges(entry.stay, guest.id, write.stay)) return undefined;
        const location = locationOf(accountId, write);
        if (location !== undefined && !locations.has(location)) return undefined;
      }
      hits++;
      return guest;
    },

    async writing(write) {
      writes++;
      try {
        return await write();
      } catch (err) {
        clear();
        throw err;
      } finally {
        writes--;
      }
    },

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
