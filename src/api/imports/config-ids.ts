import { findLocationsRowId, type LocationsFaceKind } from '../../core/locations/face-ids.js';
import { findLocationByShortcode } from '../../core/locations/locations.js';
import { badRequest, conflict } from '../../core/shared/errors.js';
import type { Db } from '../../db/database.js';
import type { FormerIds, Ref } from './config-records.js';

/* What every kind of configuration line shares: finding objects by the ids they had before. */

export type Outcome = 'create' | 'update' | 'unchanged';
export type Face = 'loop' | 'loopon';
type KeepResult = { ok: true; changed: boolean } | { ok: false; reason: string };

/** Fails the line when keeping an id was refused; true when it kept a new one. */
export function kept(result: KeepResult, what: string): boolean {
  if (!result.ok) throw conflict(`${what}: ${result.reason}`);
  return result.changed;
}

/** The row the former ids name: undefined when none; an error when they name two different rows. */
export async function rowByIds(
  ids: FormerIds,
  find: (face: Face, value: string | number) => Promise<number | undefined>,
  what: string,
): Promise<number | undefined> {
  const byLoop = ids.loop === undefined ? undefined : await find('loop', ids.loop);
  const byLoopon = ids.loopon === undefined ? undefined : await find('loopon', ids.loopon);
  if (byLoop !== undefined && byLoopon !== undefined && byLoop !== byLoopon) {
    throw conflict(`ids.loop and ids.loopon name two different ${what}s`);
  }
  return byLoop ?? byLoopon;
}

export function locationsFinder(db: Db, accountId: number, kind: LocationsFaceKind) {
  // A Loopon id is also the face's name of the row with that key; a Loop id only once kept.
  return (face: Face, value: string | number) => findLocationsRowId(db, accountId, kind, face, value, face === 'loopon' ? (value as number) : undefined);
}

/** The location (or chain, or competitor) another line names. */
export async function resolveLocation(db: Db, accountId: number, ref: Ref, what: string): Promise<number> {
  const id =
    typeof ref === 'string'
      ? (await findLocationByShortcode(db, accountId, ref))?.id
      : await rowByIds(ref, locationsFinder(db, accountId, 'location'), 'location');
  if (id === undefined) throw badRequest(`${what} ${JSON.stringify(ref)} names no location of the account (import it on an earlier line)`);
  return id;
}
