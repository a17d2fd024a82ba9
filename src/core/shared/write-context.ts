import type { Db } from '../../db/database.js';

/*
 * The write context: what every core command that changes something takes, so that the change,
 * the domain events it emits (in the same transaction) and the record of who caused them travel
 * together. The boundary (a route, a job, the CLI) builds it once: the transaction it owns, the
 * account, the actor its credentials name and its request id.
 */

/**
 * Who made a change, as it is stored with the change's events: `api-client:<id>` (an OAuth API
 * client), `api-token:<face>` (a face's account token, Loop v1's authToken), `admin` (the
 * account's admin token), `staff:<id>` (a staff member), `guest` (a guest on a chat socket or a
 * guest page), `cli:<user>` (an operator at the command line), `system` (a job, a seed).
 */
export type Actor = string;

export const ADMIN_TOKEN_ACTOR: Actor = 'admin';
export const SYSTEM_ACTOR: Actor = 'system';
export const GUEST_ACTOR: Actor = 'guest';
export const apiClientActor = (clientId: number): Actor => `api-client:${clientId}`;
export const apiTokenActor = (face: string): Actor => `api-token:${face}`;
export const staffActor = (employeeId: number): Actor => `staff:${employeeId}`;

export interface WriteContext {
  /** the transaction of the change (the boundary owns it) */
  trx: Db;
  accountId: number;
  actor: Actor;
  /** the request that caused the change (Fastify's request id); null for jobs and the CLI */
  requestId: string | null;
}

/** A write context in `trx` for `accountId`, by `actor` (the system unless said), with no request id unless given. */
export function writeContext(trx: Db, accountId: number, actor: Actor = SYSTEM_ACTOR, requestId: string | null = null): WriteContext {
  return { trx, accountId, actor, requestId };
}

/**
 * Who writes, before the transaction exists: what a boundary knows of a request (its account,
 * actor and request id) and hands to a command that opens its transaction itself.
 */
export type WriteOrigin = Omit<WriteContext, 'trx'>;

/** The write context of `origin` in `trx`. */
export function inTransaction(origin: WriteOrigin, trx: Db): WriteContext {
  return { accountId: origin.accountId, actor: origin.actor, requestId: origin.requestId, trx };
}
