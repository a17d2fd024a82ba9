import type { FastifyRequest } from 'fastify';
import { findEmployee } from '../../core/accounts/employees.js';
import { badRequest } from '../../core/shared/errors.js';
import type { Db } from '../../db/database.js';

/**
 * The staff member an inbox call is made for: whose read state it reads and writes, whose "me"
 * it means, who writes a note. Today the admin API's only credential is the account's admin
 * token, which is nobody: it may name an employee (`staffId`, a wall screen showing one
 * person's inbox, an integration acting for someone), else it sees and moves the account-wide
 * read state (a request's `viewed`, the chat's `read`). With staff sign-in, a session's own staff
 * member is the viewer (this is the one place to read it), and naming another is refused.
 */
export async function inboxViewer(db: Db, request: FastifyRequest, asked: number | undefined): Promise<number | null> {
  if (asked === undefined) return null;
  if (!(await findEmployee(db, request.accountId, asked))) throw badRequest(`staffId ${asked} is not an employee of the account`);
  return asked;
}
