import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import { issueRealtimeTicket, redeemRealtimeTicket } from '../../../core/accounts/realtime-tickets.js';
import type { ChatHubMessage } from '../../../core/chat/chat-hub.js';
import { keepAlive, sendText } from '../../http/realtime.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { errors } from '../schemas.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { Db } from '../../../db/database.js';
import { findStaff } from '../../../core/accounts/staff.js';
import { inScope, scopeOf } from '../permissions.js';
import { photoLinksOf, presentChatMessage, type PhotoLinks } from './chat-present.js';
import { pageSecret } from '../../../core/accounts/page-links.js';
import { presentRequest } from './requests-present.js';
import { TicketSchema } from './chat-schemas.js';

/** Close code of a staff socket opened without a valid ticket. */
export const CLOSE_BAD_TICKET = 4401;

/**
 * POST /admin/v1/realtime/tickets (admin token): a single-use ticket, valid 30 seconds, for the
 * staff WebSocket. Browsers cannot send an Authorization header on a WebSocket, and a long-lived
 * token must never sit in a URL (logs, history): the ticket is what goes in the URL.
 */
export async function realtimeTicketRoutes(app: AdminApp, { db, config }: AdminDeps): Promise<void> {
  app.post(
    '/realtime/tickets',
    {
      schema: {
        tags: ['realtime'],
        summary: 'Get a ticket for the staff realtime socket',
        description:
          'Open `url` (the staff WebSocket, /admin/v1/realtime?ticket=...) within 30 seconds; the ticket works once. The socket then receives ' +
          'the account\'s chat events as JSON: {"type": "chat.message" | "chat.message.updated", "sessionId", "locationId", "message"}, ' +
          '{"type": "chat.typing", "sessionId", "locationId", "typing"} (guest typing), {"type": "chat.presence", "sessionId", "locationId", "connected"}, ' +
          'and the account\'s guest requests as they open or change: {"type": "request.opened" | "request.updated", "request"} (the request as GET /admin/v1/requests/{id} shows it), ' +
          'and the inbox\'s own changes: {"type": "inbox.assigned", "thread": {"kind", "id"}, "locationId", "assigneeId"}, {"type": "inbox.note", "thread", "locationId", "note"}, ' +
          '{"type": "inbox.read", "thread", "locationId", "staffId", "readAt"}. ' +
          'After a lost connection between instances (PostgreSQL), what changed meanwhile is read from the tables and sent, each change once. ' +
          'A ticket asked for with a staff session opens a socket that carries only the events of the locations that staff member sees (an agent: their locations).',
        response: { 201: TicketSchema, ...errors() },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const staffId = request.staff?.id ?? null;
      const { ticket, expiresAt } = await inWriteTransaction(db, (trx) => issueRealtimeTicket(trx, accountId, Date.now(), undefined, staffId));
      const url = `${config.publicUrl.replace(/^http/, 'ws')}/admin/v1/realtime?ticket=${ticket}`;
      return reply.status(201).send({ ticket, expiresAt, url });
    },
  );
}

/**
 * GET /admin/v1/realtime?ticket=... (WebSocket): the account's chat events and request changes, live, for the staff
 * console. A missing, unknown, used or expired ticket is accepted and closed with 4401. The socket
 * only sends; what the console writes on it is ignored.
 */
export async function realtimeSocketRoutes(app: FastifyInstance, { db, config, realtime, credentialLimits }: AdminDeps): Promise<void> {
  const failures = credentialLimits.failuresOf('realtime-ticket');
  app.get('/realtime', { websocket: true }, ((socket: WebSocket, request: FastifyRequest<{ Querystring: Record<string, unknown> }>) => {
    let unsubscribe: (() => void) | undefined;
    let stopKeepAlive: (() => void) | undefined;
    let counted = false;
    socket.on('close', () => {
      unsubscribe?.();
      stopKeepAlive?.();
      if (counted) realtime.open.staff -= 1;
    });
    const raw = request.query.ticket;
    const ticket = typeof raw === 'string' ? raw : '';
    const locked = failures.lockout(request, ticket);
    if (locked) {
      socket.close(4429, locked.message);
      return;
    }
    // The account's page secret signs the links to guests' photos in the messages sent.
    void redeem(db, ticket)
      .then(async (redeemed) => [redeemed, redeemed === undefined ? '' : await pageSecret(db, redeemed.accountId)] as const)
      .then(
        ([redeemed, secret]) => {
          if (redeemed === undefined) {
            socket.close(CLOSE_BAD_TICKET, 'ticket missing, unknown, used or expired');
            void failures.failed(request, ticket);
            return;
          }
          const { accountId, scope } = redeemed;
          if (socket.readyState !== socket.OPEN) return;
          counted = true;
          realtime.open.staff += 1;
          stopKeepAlive = keepAlive(socket, realtime.pingIntervalMs);
          const photoLinks = photoLinksOf(config.publicUrl, secret);
          unsubscribe = realtime.hub.subscribeAccount(accountId, (message) => {
            if (!inScope(scope, locationOf(message))) return;
            const out = staffMessage(message, photoLinks);
            if (out) sendText(socket, JSON.stringify(out));
          });
          sendText(socket, JSON.stringify({ type: 'ready' }));
        },
        (err) => {
          request.log.error({ err }, 'staff realtime socket failed');
          socket.close(1011, 'server error');
        },
      );
  }) as never);
}

/**
 * The ticket's account and the locations its socket may carry: every one for the admin token, the
 * staff member's scope (permissions.ts) for a session's; a staff member removed meanwhile gets nothing.
 */
async function redeem(db: Db, ticket: string): Promise<{ accountId: number; scope: readonly number[] | 'all' } | undefined> {
  const redeemed = await inWriteTransaction(db, (trx) => redeemRealtimeTicket(trx, ticket));
  if (!redeemed) return undefined;
  if (redeemed.employeeId === null) return { accountId: redeemed.accountId, scope: 'all' };
  const staff = await findStaff(db, redeemed.accountId, redeemed.employeeId);
  return staff ? { accountId: redeemed.accountId, scope: scopeOf(staff) } : undefined;
}

/** The location a hub message is about. */
const locationOf = (message: ChatHubMessage): number | null => {
  if (message.kind === 'request') return message.request.location_id;
  return message.kind === 'inbox' ? message.change.locationId : message.locationId;
};

/** What a staff console is told of a hub message; undefined: nothing. */
function staffMessage(message: ChatHubMessage, photoLinks: PhotoLinks): Record<string, unknown> | undefined {
  if (message.kind === 'request') return { type: `request.${message.change}`, request: presentRequest(message.request) };
  if (message.kind === 'inbox') return message.change;
  const where = { sessionId: message.sessionId, locationId: message.locationId };
  if (message.kind === 'typing') return message.typing.author === 'guest' ? { type: 'chat.typing', ...where, typing: message.typing } : undefined;
  const { event } = message;
  if (event.type === 'chatMessage') {
    return { type: event.updatedAt > event.createdAt ? 'chat.message.updated' : 'chat.message', ...where, message: presentChatMessage(event, photoLinks) };
  }
  if (event.type === 'guestConnect' || event.type === 'guestDisconnect') return { type: 'chat.presence', ...where, connected: event.type === 'guestConnect' };
  return undefined;
}
