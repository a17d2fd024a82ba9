import type { FastifyRequest } from 'fastify';
import type { LoopPermission, StaffMember, StaffRole } from '../../core/accounts/staff.js';
import { forbidden } from '../../core/shared/errors.js';

/*
 * What each staff role may do through the admin API, as one table: rows of `METHOD /route` (the
 * route as registered under /admin/v1; a trailing `*` matches any rest, a method `*` any write),
 * the first matching row deciding. A grant is `true` (allowed), `false`, or a Loop permission the
 * staff member must hold (agents reply with `comment`, close and reopen with `close`). The admin
 * token is not a staff member and is allowed everything (integrations). What the table cannot say
 * by route alone sits next to the data: a manager cannot create, change or remove an owner
 * (core/accounts/staff.ts), and the locations a staff member sees (locationScope below).
 */

type Grant = boolean | LoopPermission | ((body: unknown) => boolean | LoopPermission);
type Grants = Record<StaffRole, Grant>;

const ALL: Grants = { owner: true, manager: true, agent: true, analyst: true };
const READERS: Grants = { owner: true, manager: true, agent: false, analyst: true };
const INBOX_READERS: Grants = ALL;
const MANAGERS: Grants = { owner: true, manager: true, agent: false, analyst: false };

/** A request change by an agent: marking it viewed is free, a state change (close, reopen) needs `close`. */
const requestChange = (body: unknown) => ((body as { state?: unknown } | null)?.state === undefined ? true : 'close');

export const PERMISSIONS: ReadonlyArray<readonly [string, Grants]> = [
  // The staff WebSocket's ticket: everyone (the socket carries only what the person may see).
  ['POST /realtime/tickets', ALL],
  // The inbox: requests, chats and guests, of the locations the person sees.
  ['GET /inbox', INBOX_READERS],
  ['GET /requests*', INBOX_READERS],
  ['PATCH /requests/:id', { owner: true, manager: true, agent: requestChange, analyst: false }],
  ['POST /requests/:id/messages', { owner: true, manager: true, agent: 'comment', analyst: false }],
  ['GET /chat/*', INBOX_READERS],
  ['POST /chat/sessions/:id/messages', { owner: true, manager: true, agent: 'comment', analyst: false }],
  ['POST /chat/sessions/:id/read', { owner: true, manager: true, agent: true, analyst: false }],
  ['POST /chat/sessions/:id/typing', { owner: true, manager: true, agent: true, analyst: false }],
  ['POST /requests/:id/read', { owner: true, manager: true, agent: true, analyst: false }],
  ['PUT /requests/:id/assignee', { owner: true, manager: true, agent: true, analyst: false }],
  ['PUT /chat/sessions/:id/assignee', { owner: true, manager: true, agent: true, analyst: false }],
  ['POST /requests/:id/notes', { owner: true, manager: true, agent: 'comment', analyst: false }],
  ['POST /chat/sessions/:id/notes', { owner: true, manager: true, agent: 'comment', analyst: false }],
  ['GET /guests*', INBOX_READERS],
  ['GET /inbox/settings', READERS],
  // Who a thread can be assigned to (the inbox's "Assigned to").
  ['GET /employees', INBOX_READERS],
  // What an inbox shows requests and chats with.
  ['GET /account', ALL],
  ['GET /locations*', ALL],
  ['GET /loop-types*', ALL],
  ['GET /custom-fields*', ALL],
  // Staff and their audit: owners and managers (a manager never touches an owner).
  ['GET /staff*', MANAGERS],
  ['* /staff*', MANAGERS],
  ['GET /audit*', MANAGERS],
  // Every other read (dashboards, reputation, loyalty, settings): not agents.
  ['GET *', READERS],
  // Every other write: owners and managers.
  ['* *', MANAGERS],
];

function matches(pattern: string, method: string, route: string): boolean {
  const [m, path] = pattern.split(' ');
  if (m === '*' ? method === 'GET' || method === 'HEAD' : m !== method && !(m === 'GET' && method === 'HEAD')) return false;
  if (path === '*') return true;
  return path.endsWith('*') ? route.startsWith(path.slice(0, -1)) : route === path;
}

/** The grant of the table's first row matching the call. */
export function grantOf(role: StaffRole, method: string, route: string): Grant {
  const row = PERMISSIONS.find(([pattern]) => matches(pattern, method, route));
  return row ? row[1][role] : false;
}

/** Whether the staff member may make the call (`route` relative to /admin/v1). */
export function staffMay(staff: StaffMember, method: string, route: string, body: unknown): boolean {
  let grant = grantOf(staff.role, method, route);
  if (typeof grant === 'function') grant = grant(body);
  if (typeof grant === 'boolean') return grant;
  return staff.permissions.includes(grant);
}

/** Refuses (403) a call of a staff member the table does not allow; the admin token passes. */
export function checkPermission(request: FastifyRequest): void {
  const staff = request.staff;
  if (!staff) return;
  const route = (request.routeOptions.url ?? '').replace(/^\/admin\/v1/, '');
  if (!staffMay(staff, request.method, route, request.body)) {
    throw forbidden(`a staff member with role ${staff.role} may not ${request.method} /admin/v1${route}`);
  }
}

/**
 * The locations whose requests, chats and guests a caller sees: every one (`all`) for the admin
 * token, owners and managers; else the staff member's locations, where none means every one for an
 * analyst and none at all for an agent.
 */
export function locationScope(request: FastifyRequest): readonly number[] | 'all' {
  return scopeOf(request.staff);
}

/** The location scope of a staff member (undefined: the admin token). */
export function scopeOf(staff: StaffMember | undefined): readonly number[] | 'all' {
  if (!staff || staff.role === 'owner' || staff.role === 'manager') return 'all';
  if (staff.locationIds.length > 0) return staff.locationIds;
  return staff.role === 'agent' ? [] : 'all';
}

/** Whether a thing at `locationId` is in the caller's scope. */
export function seesLocation(request: FastifyRequest, locationId: number | null): boolean {
  return inScope(locationScope(request), locationId);
}

export function inScope(scope: readonly number[] | 'all', locationId: number | null): boolean {
  return scope === 'all' || (locationId !== null && scope.includes(locationId));
}
