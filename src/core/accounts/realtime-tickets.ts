import type { Db } from '../../db/database.js';
import { hashToken, randomToken } from '../shared/tokens.js';

/**
 * How long a staff WebSocket ticket may wait to be used. Browsers cannot send headers on a
 * WebSocket: the console asks for a ticket with its credential and opens the socket with the
 * ticket in the URL, at once; so the URL never carries a long-lived secret.
 */
export const REALTIME_TICKET_TTL_MS = 30_000;

/**
 * Issues a single-use ticket for the account's staff socket (for staff member `employeeId`, null:
 * the admin token); only its hash is stored. Prunes the account's expired ones.
 */
export async function issueRealtimeTicket(
  db: Db,
  accountId: number,
  now = Date.now(),
  ttlMs = REALTIME_TICKET_TTL_MS,
  employeeId: number | null = null,
): Promise<{ ticket: string; expiresAt: number }> {
  await db.deleteFrom('realtime_tickets').where('account_id', '=', accountId).where('expires_at', '<=', now).execute();
  const ticket = randomToken(32);
  const expiresAt = now + ttlMs;
  await db
    .insertInto('realtime_tickets')
    .values({ ticket_hash: hashToken(ticket), account_id: accountId, created_at: now, expires_at: expiresAt, employee_id: employeeId })
    .execute();
  return { ticket, expiresAt };
}

/** Uses a ticket up: the account (and staff member) it was issued for, or undefined when it is unknown, used or expired. */
export async function redeemRealtimeTicket(db: Db, ticket: string, now = Date.now()): Promise<{ accountId: number; employeeId: number | null } | undefined> {
  if (ticket.length === 0 || ticket.length > 200) return undefined;
  const row = await db
    .deleteFrom('realtime_tickets')
    .where('ticket_hash', '=', hashToken(ticket))
    .returning(['account_id', 'expires_at', 'employee_id'])
    .executeTakeFirst();
  if (!row || Number(row.expires_at) <= now) return undefined;
  return { accountId: row.account_id, employeeId: row.employee_id ?? null };
}
