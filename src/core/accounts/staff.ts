import type { Db } from '../../db/database.js';
import type { Employee } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { badRequest, conflict, forbidden, notFound } from '../shared/errors.js';
import { normaliseEmail } from '../shared/identifiers.js';
import { parseJson } from '../shared/json.js';
import { hashPassword } from '../shared/password-hash.js';
import { missingLocationIds } from '../locations/locations.js';

/*
 * Staff members: the Loop face's employees (one row per person, table `employees`) who may sign in
 * to the console. An employee with a role is a staff member; its e-mail (case-folded) is then
 * unique among staff members of every account, since sign-in names no account.
 */

export const STAFF_ROLES = ['owner', 'manager', 'agent', 'analyst'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** The Loop employee permissions: open loops, write on them, close them. */
export const LOOP_PERMISSIONS = ['create', 'comment', 'close'] as const;
export type LoopPermission = (typeof LOOP_PERMISSIONS)[number];

export const STAFF_PASSWORD_MIN_LENGTH = 10;
export const STAFF_PASSWORD_MAX_LENGTH = 200;

/** A staff member as the rest of the code reads it. */
export interface StaffMember {
  id: number;
  accountId: number;
  email: string;
  name: string | null;
  role: StaffRole;
  permissions: string[];
  locationIds: number[];
  hasPassword: boolean;
  createdAt: number;
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

/** The employee row as a staff member; undefined when it has no role (it cannot sign in). */
export function staffOf(row: Employee): StaffMember | undefined {
  if (!isStaffRole(row.role) || !row.email) return undefined;
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    role: row.role,
    permissions: parseJson<string[]>(row.permissions, []),
    locationIds: parseJson<number[]>(row.location_ids, []),
    hasPassword: row.password_hash !== null,
    createdAt: Number(row.created_at),
  };
}

/** The password as accepted for a staff member: 10 to 200 characters (a 400 otherwise). */
export function checkStaffPassword(value: unknown, field = 'password'): string {
  if (typeof value !== 'string') throw badRequest(`${field}: this field is required and must be a string`);
  if (value.length < STAFF_PASSWORD_MIN_LENGTH || value.length > STAFF_PASSWORD_MAX_LENGTH) {
    throw badRequest(`${field}: must be ${STAFF_PASSWORD_MIN_LENGTH} to ${STAFF_PASSWORD_MAX_LENGTH} characters`);
  }
  return value;
}

export interface StaffInput {
  email: string;
  name?: string | null;
  role: StaffRole;
  permissions?: string[];
  locationIds?: number[];
}

/** Who asks for a change: a manager may not create, change or remove an owner, nor make one. */
export type StaffEditor = { role: StaffRole } | 'admin';

function checkEditor(editor: StaffEditor, targetRole: StaffRole | undefined, newRole: StaffRole | undefined): void {
  if (editor === 'admin' || editor.role === 'owner') return;
  if (editor.role !== 'manager') throw forbidden('only an owner or a manager manages staff');
  if (targetRole === 'owner' || newRole === 'owner') throw forbidden('a manager cannot create, change or remove an owner');
}

function checkPermissions(permissions: string[] | undefined): string[] {
  const list = [...new Set(permissions ?? [])];
  const unknown = list.find((p) => !(LOOP_PERMISSIONS as readonly string[]).includes(p));
  if (unknown !== undefined) throw badRequest(`permissions: unknown permission "${unknown}" (create, comment or close)`);
  return list;
}

async function checkLocations(db: Db, accountId: number, ids: number[] | undefined): Promise<number[]> {
  const list = [...new Set(ids ?? [])];
  if ((await missingLocationIds(db, accountId, list)).length) throw badRequest('locationIds: unknown location');
  return list;
}

const staffConflict = (email: string) => conflict(`a staff member already signs in with ${email}`);

/**
 * Makes a staff member: an employee of the account with that e-mail and no role yet becomes one
 * (the same person), else a new employee whose username is the e-mail. A taken e-mail is a 409.
 */
export async function createStaff(db: Db, accountId: number, input: StaffInput, editor: StaffEditor, now = Date.now()): Promise<StaffMember> {
  const email = normaliseEmail(input.email);
  if (!email?.includes('@')) throw badRequest('email: must be an e-mail address');
  if (!isStaffRole(input.role)) throw badRequest('role: must be owner, manager, agent or analyst');
  checkEditor(editor, undefined, input.role);
  const permissions = checkPermissions(input.permissions);
  const locationIds = await checkLocations(db, accountId, input.locationIds);
  const values = {
    name: input.name?.trim() || null,
    role: input.role,
    permissions: JSON.stringify(permissions),
    location_ids: JSON.stringify(locationIds),
    updated_at: now,
  };
  try {
    const existing = await db
      .selectFrom('employees')
      .select('id')
      .where('account_id', '=', accountId)
      .where('email', '=', email)
      .where('role', 'is', null)
      .orderBy('id')
      .executeTakeFirst();
    const row = existing
      ? await db.updateTable('employees').set(values).where('account_id', '=', accountId).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow()
      : await db
          .insertInto('employees')
          .values({ account_id: accountId, username: email, email, sms: null, created_at: now, ...values })
          .returningAll()
          .executeTakeFirstOrThrow();
    return staffOf(row)!;
  } catch (err) {
    if (isUniqueViolation(err)) throw staffConflict(email);
    throw err;
  }
}

export interface StaffPatch {
  email?: string;
  name?: string | null;
  role?: StaffRole;
  permissions?: string[];
  locationIds?: number[];
}

/** Changes a staff member's fields; a taken e-mail is a 409. */
export async function updateStaff(db: Db, accountId: number, id: number, patch: StaffPatch, editor: StaffEditor, now = Date.now()): Promise<StaffMember> {
  const current = await getStaff(db, accountId, id);
  if (patch.role !== undefined && !isStaffRole(patch.role)) throw badRequest('role: must be owner, manager, agent or analyst');
  checkEditor(editor, current.role, patch.role);
  const set: Record<string, unknown> = { updated_at: now };
  if (patch.email !== undefined) {
    const email = normaliseEmail(patch.email);
    if (!email?.includes('@')) throw badRequest('email: must be an e-mail address');
    set.email = email;
  }
  if (patch.name !== undefined) set.name = patch.name?.trim() || null;
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.permissions !== undefined) set.permissions = JSON.stringify(checkPermissions(patch.permissions));
  if (patch.locationIds !== undefined) set.location_ids = JSON.stringify(await checkLocations(db, accountId, patch.locationIds));
  try {
    const row = await db.updateTable('employees').set(set).where('account_id', '=', accountId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    return staffOf(row)!;
  } catch (err) {
    if (isUniqueViolation(err)) throw staffConflict(String(set.email));
    throw err;
  }
}

/** Removes a staff member (the employee row), its sessions and its links. */
export async function deleteStaff(db: Db, accountId: number, id: number, editor: StaffEditor): Promise<void> {
  const current = await getStaff(db, accountId, id);
  checkEditor(editor, current.role, undefined);
  await db.deleteFrom('staff_sessions').where('account_id', '=', accountId).where('employee_id', '=', id).execute();
  await db.deleteFrom('staff_tokens').where('account_id', '=', accountId).where('employee_id', '=', id).execute();
  await db.deleteFrom('employees').where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function findStaff(db: Db, accountId: number, id: number): Promise<StaffMember | undefined> {
  const row = await db.selectFrom('employees').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return row ? staffOf(row) : undefined;
}

export async function getStaff(db: Db, accountId: number, id: number): Promise<StaffMember> {
  const found = await findStaff(db, accountId, id);
  if (!found) throw notFound(`staff member ${id}`);
  return found;
}

/** The account's staff members, by id. */
export async function listStaff(db: Db, accountId: number): Promise<StaffMember[]> {
  const rows = await db.selectFrom('employees').selectAll().where('account_id', '=', accountId).where('role', 'is not', null).orderBy('id').execute();
  return rows.map(staffOf).filter((s): s is StaffMember => s !== undefined);
}

/** The staff member who signs in with `email` (any account), with the stored hash; undefined when none. */
export async function staffByEmail(db: Db, email: string): Promise<{ staff: StaffMember; passwordHash: string | null } | undefined> {
  const key = normaliseEmail(email);
  if (!key) return undefined;
  const row = await db.selectFrom('employees').selectAll().where('email', '=', key).where('role', 'is not', null).executeTakeFirst();
  const staff = row ? staffOf(row) : undefined;
  return staff && row ? { staff, passwordHash: row.password_hash } : undefined;
}

/** The stored hash of a staff member's password (null: none chosen yet). */
export async function staffPasswordHash(db: Db, accountId: number, id: number): Promise<string | null> {
  const row = await db.selectFrom('employees').select('password_hash').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return row?.password_hash ?? null;
}

/** The hash of a new password (checked first): computed before a transaction opens, as it takes ~50 ms. */
export function hashStaffPassword(password: unknown): Promise<string> {
  return hashPassword(checkStaffPassword(password));
}

/** Stores a staff member's new password hash (from hashStaffPassword). */
export async function storeStaffPasswordHash(db: Db, accountId: number, id: number, passwordHash: string, now = Date.now()): Promise<void> {
  await db.updateTable('employees').set({ password_hash: passwordHash, updated_at: now }).where('account_id', '=', accountId).where('id', '=', id).execute();
}
