import type { WriteContext } from '../../../core/shared/write-context.js';
import type { Db } from '../../../db/database.js';
import type { Guest, Location, LoopType } from '../../../db/schema.js';
import { findLocation, findLocationByShortcode, listLocations } from '../../../core/locations/locations.js';
import { findLoopType, findLoopTypeByShortcode } from '../../../core/locations/loop-types.js';
import { findGuest } from '../../../core/guests/guests.js';
import { resolveArrival } from '../../../core/guests/identity.js';
import { notFound } from '../../../core/shared/errors.js';
import { loopRowId } from '../face-ids.js';
import { readString } from '../parse.js';

/*
 * Turning Loop references into rows. Ids are the 24-hex ids we hand out; shortcodes are accepted
 * too where Loop documents them as the human-friendly alternative. Unknown is always a 404.
 */

/**
 * Loop's locations are the account's own places: chains (groupings for the Loopon face) and
 * competitors (reputation benchmarks) are no place a guest can open a loop.
 */
export function isLoopPlace(location: Location): boolean {
  return location.kind === 'location';
}

export async function listLoopLocations(db: Db, accountId: number): Promise<Location[]> {
  return (await listLocations(db, accountId)).filter(isLoopPlace);
}

/** A Loop location by our id or its shortcode, or undefined. */
export async function findLoopLocation(db: Db, accountId: number, ref: string): Promise<Location | undefined> {
  const id = await loopRowId(db, accountId, 'location', ref);
  const location = id !== undefined ? await findLocation(db, accountId, id) : await findLocationByShortcode(db, accountId, ref);
  return location && isLoopPlace(location) ? location : undefined;
}

export async function resolveLocation(db: Db, accountId: number, ref: string): Promise<Location> {
  const location = await findLoopLocation(db, accountId, ref);
  if (!location) throw notFound(`location "${ref}"`);
  return location;
}

export async function resolveLoopType(db: Db, accountId: number, ref: string): Promise<LoopType> {
  const id = await loopRowId(db, accountId, 'looptype', ref);
  const loopType = id !== undefined ? await findLoopType(db, accountId, id) : await findLoopTypeByShortcode(db, accountId, ref);
  if (!loopType) throw notFound(`loop type "${ref}"`);
  return loopType;
}

export async function resolveGuest(db: Db, accountId: number, ref: string, what = 'contact'): Promise<Guest> {
  const id = await loopRowId(db, accountId, 'guest', ref);
  const guest = id !== undefined ? await findGuest(db, accountId, id) : undefined;
  if (!guest) throw notFound(`${what} "${ref}"`);
  return guest;
}

/**
 * The guest behind a loop or response: `customer` (an id) wins; else `user` {name, email, sms} is
 * an arrival for identity resolution (found by e-mail or sms, or created). Undefined for an
 * anonymous creator.
 */
export async function resolveCreator(
  ctx: WriteContext,
  ref: { customer?: string; user?: { name?: string; email?: string; sms?: string | number } },
): Promise<Guest | undefined> {
  if (ref.customer) return resolveGuest(ctx.trx, ctx.accountId, ref.customer, 'customer');
  const user = ref.user;
  if (!user || !(user.name || user.email || user.sms)) return undefined;
  const fields = { name: readString(user.name, 'user.name'), email: readString(user.email, 'user.email'), mobile: readString(user.sms, 'user.sms') };
  return (await resolveArrival(ctx, { source: 'loop', fields })).guest;
}
