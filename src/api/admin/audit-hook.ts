import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../../core/accounts/audit.js';
import type { Db } from '../../db/database.js';
import type { AdminApp } from './context.js';

/*
 * Every write answered 2xx through the admin API becomes an audit entry (who, what, on which
 * entity), written before the answer leaves so that it can be read as soon as the caller has its
 * answer. It is not in the transaction of the change (each route owns that one): an entry that
 * cannot be written is logged, never turned into an error of a change already made.
 */

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Calls that change nothing a person would look for: a typing indicator, a socket ticket. */
const NOT_AUDITED = new Set(['/chat/sessions/:id/typing', '/realtime/tickets']);
const VERB: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };

/** What an audit entry says of a call: its action (`requests.messages.create`), entity and entity id. */
export function describeCall(method: string, route: string, params: unknown, answer: unknown) {
  const segments = route.split('/').filter(Boolean);
  const names = segments.filter((s) => !s.startsWith(':'));
  const entity = names[0] ?? 'account';
  const paramId = (params as Record<string, unknown> | undefined)?.id;
  const answerId = (answer as { id?: unknown } | undefined)?.id;
  const id = paramId ?? (typeof answerId === 'number' || typeof answerId === 'string' ? answerId : undefined);
  return { action: `${names.join('.') || 'account'}.${VERB[method] ?? method.toLowerCase()}`, entity, entityId: id === undefined ? null : String(id) };
}

function answerOf(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload.length > 65_536 || !payload.startsWith('{')) return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

/** Registers the audit hook on the admin scope. */
export function auditWrites(api: AdminApp, db: Db): void {
  api.addHook('onSend', async (request: FastifyRequest, reply, payload) => {
    if (!WRITES.has(request.method) || reply.statusCode >= 300 || !request.accountId || !request.actor) return payload;
    const route = (request.routeOptions.url ?? '').replace(/^\/admin\/v1/, '');
    if (NOT_AUDITED.has(route) || reply.getHeader('idempotency-replayed')) return payload;
    const { action, entity, entityId } = describeCall(request.method, route, request.params, answerOf(payload));
    const actorName = request.staff ? (request.staff.name ?? request.staff.email) : request.actor === 'admin' ? 'admin token' : null;
    try {
      await recordAudit(db, request.accountId, {
        actor: request.actor,
        actorName,
        action,
        entity,
        entityId,
        summary: `${actorName ?? request.actor}: ${request.method} ${request.url.split('?')[0]}`,
        requestId: request.id,
      });
    } catch (err) {
      request.log.error({ err }, 'the audit entry of a write could not be recorded');
    }
    return payload;
  });
}
