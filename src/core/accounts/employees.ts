import type { Db } from '../../db/database.js';
import type { Employee } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { normaliseEmail } from '../shared/identifiers.js';
import { missingLocationIds } from '../locations/locations.js';

/** Staff user accounts; permissions are free-form strings such as create, comment, close. */
export interface EmployeeInput {
  username: string;
  name?: string | null;
  email?: string | null;
  sms?: string | null;
  permissions?: string[];
  locationIds?: number[];
}

export async function createEmployee(db: Db, accountId: number, input: EmployeeInput): Promise<Employee> {
  const username = input.username?.trim();
  if (!username) throw badRequest('username is required');
  const locationIds = [...new Set(input.locationIds ?? [])];
  if ((await missingLocationIds(db, accountId, locationIds)).length) throw badRequest('unknown location in locations');
  try {
    return await db
      .insertInto('employees')
      .values({
        account_id: accountId,
        username,
        name: input.name ?? null,
        email: normaliseEmail(input.email) ?? null,
        sms: input.sms?.trim() || null,
        permissions: JSON.stringify(input.permissions ?? []),
        location_ids: JSON.stringify(locationIds),
        created_at: Date.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`username "${username}" is already taken`);
    throw err;
  }
}

/** Replaces an employee's fields (the configuration import); a taken username is a 409. */
export async function updateEmployee(db: Db, accountId: number, id: number, input: EmployeeInput): Promise<Employee> {
  const username = input.username?.trim();
  if (!username) throw badRequest('username is required');
  const locationIds = [...new Set(input.locationIds ?? [])];
  if ((await missingLocationIds(db, accountId, locationIds)).length) throw badRequest('unknown location in locations');
  try {
    return await db
      .updateTable('employees')
      .set({
        username,
        name: input.name ?? null,
        email: normaliseEmail(input.email) ?? null,
        sms: input.sms?.trim() || null,
        permissions: JSON.stringify(input.permissions ?? []),
        location_ids: JSON.stringify(locationIds),
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`username "${username}" is already taken`);
    throw err;
  }
}

/** Employees matching a username, e-mail or mobile number. */
export async function findEmployees(db: Db, accountId: number, by: { username?: string; email?: string; sms?: string }): Promise<Employee[]> {
  let query = db.selectFrom('employees').selectAll().where('account_id', '=', accountId);
  if (by.username !== undefined) query = query.where('username', '=', by.username.trim());
  if (by.email !== undefined) query = query.where('email', '=', normaliseEmail(by.email) ?? '');
  if (by.sms !== undefined) query = query.where('sms', '=', by.sms.trim());
  return query.orderBy('id').execute();
}

export async function listEmployees(db: Db, accountId: number): Promise<Employee[]> {
  return db.selectFrom('employees').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

export async function deleteEmployee(db: Db, accountId: number, id: number): Promise<void> {
  const result = await db.deleteFrom('employees').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound('employee');
}

export async function findEmployee(db: Db, accountId: number, id: number): Promise<Employee | undefined> {
  return db.selectFrom('employees').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

const jsonList = <T>(text: string): T[] => {
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
};

/**
 * Who hears of a guest left waiting at `locationId` (core/inbox/escalation.ts). 'staff': the
 * assignee when there is one, else the on-duty staff (the employees subscribed to the location).
 * 'manager': the location's managers (staff with the role owner or manager, subscribed to the
 * location or to none, i.e. every location).
 */
export async function escalationRecipients(
  db: Db,
  accountId: number,
  opts: { locationId: number; assigneeId: number | null; level: 'staff' | 'manager' },
): Promise<Employee[]> {
  if (opts.level === 'staff' && opts.assigneeId !== null) {
    const assignee = await findEmployee(db, accountId, opts.assigneeId);
    if (assignee) return [assignee];
  }
  const employees = await listEmployees(db, accountId);
  if (opts.level === 'staff') return employees.filter((e) => jsonList<number>(e.location_ids).includes(opts.locationId));
  // Managers and owners of the location: subscribed to it, or to no location (they see them all).
  return employees.filter((e) => (e.role === 'manager' || e.role === 'owner') && seesLocation(jsonList<number>(e.location_ids), opts.locationId));
}

const seesLocation = (locationIds: number[], locationId: number) => locationIds.length === 0 || locationIds.includes(locationId);
