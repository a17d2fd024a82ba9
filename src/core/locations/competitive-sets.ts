import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { CompetitiveSetsTable } from '../../db/schema.js';
import { findLocation } from './locations.js';
import { badRequest, notFound } from '../shared/errors.js';

/*
 * Competitive sets: a unit's named groups of other properties to compare its reputation with.
 * Members are competitors (locations of kind 'competitor', which exist only for this) or the
 * account's own properties; never a chain, never the unit itself.
 */

export type CompetitiveSet = Selectable<CompetitiveSetsTable>;

export interface CompetitiveSetWithMembers {
  set: CompetitiveSet;
  /** member location ids, ascending */
  memberIds: number[];
}

async function checkOwner(db: Db, accountId: number, locationId: number): Promise<void> {
  const owner = await findLocation(db, accountId, locationId);
  if (!owner) throw badRequest(`location ${locationId} does not exist`);
  if (owner.kind === 'chain' || owner.kind === 'competitor')
    throw badRequest(`location ${locationId} is a ${owner.kind}; a competitive set belongs to a property of the account`);
}

async function checkMember(db: Db, accountId: number, set: CompetitiveSet, locationId: number): Promise<void> {
  if (locationId === set.location_id) throw badRequest('a unit cannot be a member of its own competitive set');
  const member = await findLocation(db, accountId, locationId);
  if (!member) throw badRequest(`location ${locationId} does not exist`);
  if (member.kind === 'chain') throw badRequest(`location ${locationId} is a chain; members are properties`);
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw badRequest('name cannot be blank');
  return trimmed;
}

/** Creates a competitive set of a unit with its first members. */
export async function createCompetitiveSet(
  db: Db,
  accountId: number,
  input: { locationId: number; name: string; memberIds?: number[] },
): Promise<CompetitiveSetWithMembers> {
  await checkOwner(db, accountId, input.locationId);
  const set = await db
    .insertInto('competitive_sets')
    .values({ account_id: accountId, location_id: input.locationId, name: checkName(input.name) })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const memberId of [...new Set(input.memberIds ?? [])]) await addCompetitiveSetMember(db, accountId, set.id, memberId);
  return getCompetitiveSet(db, accountId, set.id);
}

/** The account's competitive sets (of the given units only, when given), with their members. */
export async function listCompetitiveSets(db: Db, accountId: number, ownerIds?: number[]): Promise<CompetitiveSetWithMembers[]> {
  if (ownerIds && ownerIds.length === 0) return [];
  let query = db.selectFrom('competitive_sets').selectAll().where('account_id', '=', accountId);
  if (ownerIds) query = query.where('location_id', 'in', ownerIds);
  const sets = await query.orderBy('id').execute();
  if (sets.length === 0) return [];
  const members = await db
    .selectFrom('competitive_set_members')
    .select(['set_id', 'location_id'])
    .where('account_id', '=', accountId)
    .where(
      'set_id',
      'in',
      sets.map((s) => s.id),
    )
    .execute();
  return sets.map((set) => ({
    set,
    memberIds: members
      .filter((m) => m.set_id === set.id)
      .map((m) => m.location_id)
      .sort((a, b) => a - b),
  }));
}

export async function getCompetitiveSet(db: Db, accountId: number, id: number): Promise<CompetitiveSetWithMembers> {
  const set = await db.selectFrom('competitive_sets').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!set) throw notFound('competitive set');
  const [found] = await listCompetitiveSets(db, accountId, [set.location_id]).then((all) => all.filter((s) => s.set.id === id));
  return found;
}

/** Deletes a competitive set (its members stay: they are locations). */
export async function deleteCompetitiveSet(db: Db, accountId: number, id: number): Promise<void> {
  const result = await db.deleteFrom('competitive_sets').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound('competitive set');
}

/** Adds a member; adding one already there changes nothing. */
export async function addCompetitiveSetMember(db: Db, accountId: number, setId: number, locationId: number): Promise<void> {
  const { set, memberIds } = await getCompetitiveSet(db, accountId, setId);
  if (memberIds.includes(locationId)) return;
  await checkMember(db, accountId, set, locationId);
  try {
    await db.insertInto('competitive_set_members').values({ account_id: accountId, set_id: setId, location_id: locationId }).execute();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err; // added at the same moment by another request: same outcome
  }
}

/** Removes a member; one that is not in the set is a 404. */
export async function removeCompetitiveSetMember(db: Db, accountId: number, setId: number, locationId: number): Promise<void> {
  await getCompetitiveSet(db, accountId, setId);
  const result = await db
    .deleteFrom('competitive_set_members')
    .where('account_id', '=', accountId)
    .where('set_id', '=', setId)
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound('competitive set member');
}

/** True when `locationId` is in a competitive set of one of `ownerIds` (what a client may read). */
export async function isInCompetitiveSetOf(db: Db, accountId: number, locationId: number, ownerIds: number[]): Promise<boolean> {
  if (ownerIds.length === 0) return false;
  const row = await db
    .selectFrom('competitive_set_members as m')
    .innerJoin('competitive_sets as s', (join) => join.onRef('s.id', '=', 'm.set_id').onRef('s.account_id', '=', 'm.account_id'))
    .select('m.set_id')
    .where('m.account_id', '=', accountId)
    .where('m.location_id', '=', locationId)
    .where('s.location_id', 'in', ownerIds)
    .executeTakeFirst();
  return row !== undefined;
}
