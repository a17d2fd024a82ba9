import { Type } from '@sinclair/typebox';
import { guestMessagesAfter, listChatSessionSummaries } from '../../../core/chat/chat-session-list.js';
import { findGuestsByIds } from '../../../core/guests/guests.js';
import { markThreadRead, threadReadTimes } from '../../../core/inbox/reads-and-notes.js';
import { getInboxSettings, setInboxSettings } from '../../../core/inbox/settings.js';
import { findThreads, threadIdsAssignedTo } from '../../../core/inbox/threads.js';
import { changeLoop } from '../../../core/requests/loop-changes.js';
import { listLoops } from '../../../core/requests/loops.js';
import { badRequest } from '../../../core/shared/errors.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { inboxViewer } from '../inbox-viewer.js';
import { locationScope } from '../permissions.js';
import { Id, IdParams, Instant, Nullable, errors } from '../schemas.js';
import { adminWrite } from '../write-context.js';
import { presentChatMessage } from './chat-present.js';
import { presentRequest } from './requests-present.js';
import { type InboxItemSchema, InboxListSchema, ThreadKindSchema } from './inbox-schemas.js';
import { threadRef } from './inbox-threads.js';

const tags = ['inbox'];
const StaffId = Type.Integer({ minimum: 1, maximum: 2147483647, description: 'the employee the call is made for (admin token only)' });

const InboxQuery = Type.Object(
  {
    locationId: Type.Optional(Id),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')], { default: 'open' })),
    assignee: Type.Optional(Type.String({ pattern: '^(me|[1-9][0-9]{0,9})$', description: 'an employee id, or me (the viewer)' })),
    unread: Type.Optional(Type.Boolean({ description: 'true: only what the viewer has not read' })),
    kind: Type.Optional(ThreadKindSchema),
    staffId: Type.Optional(StaffId),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
const SettingsSchema = Type.Object({
  firstNotifyMinutes: Type.Integer({ description: 'minutes a guest waits before the assignee, else the on-duty staff, hear of it (default 10)' }),
  escalateMinutes: Type.Integer({ description: "minutes a guest waits before the location's managers hear of it (default 30)" }),
});
const SettingsPatch = Type.Object(
  { firstNotifyMinutes: Type.Optional(Type.Integer()), escalateMinutes: Type.Optional(Type.Integer()) },
  { additionalProperties: false },
);

type Item = typeof InboxItemSchema.static;

/**
 * The staff inbox: guest requests and chat sessions in one list, last activity first, with the
 * viewer's unread state, the assignee and whether a guest waits; the unanswered-alert delays; and
 * marking a request read. Filters apply to the `limit` most recently active of each kind.
 */
export async function inboxRoutes(app: AdminApp, { db, realtime }: AdminDeps): Promise<void> {
  app.get(
    '/inbox',
    {
      schema: {
        tags,
        summary: 'List the inbox: open requests and chat sessions',
        description:
          'Unread is per staff member (staffId, or the signed-in staff member); without one, the account-wide state (a request not viewed since it changed, ' +
          'chat messages not marked read).',
        querystring: InboxQuery,
        response: { 200: InboxListSchema, ...errors(400) },
      },
    },
    async (request) => {
      const { accountId } = request;
      const q = request.query;
      const viewer = await inboxViewer(db, request, q.staffId);
      const limit = q.limit ?? 50;
      const status = q.status ?? 'open';
      // only the locations the caller sees (an agent's own; a location outside them lists nothing)
      const scope = locationScope(request);
      const locationIds = scope === 'all' ? undefined : scope;
      let assignee: number | undefined;
      if (q.assignee === 'me') {
        if (viewer === null) throw badRequest('assignee=me needs a staff member: sign in, or give staffId');
        assignee = viewer;
      } else if (q.assignee !== undefined) assignee = Number(q.assignee);
      const items: Item[] = [];
      if (q.kind !== 'chat') {
        const ids = assignee === undefined ? undefined : await threadIdsAssignedTo(db, accountId, 'request', assignee);
        const loops = await listLoops(db, accountId, { state: status, locationId: q.locationId, locationIds, ids, limit, recent: true });
        const loopIds = loops.map((l) => Number(l.id));
        const threads = await findThreads(db, accountId, 'request', loopIds);
        const reads = viewer === null ? undefined : await threadReadTimes(db, accountId, 'request', loopIds, viewer);
        const names = await guestNames(loops.map((l) => l.creator_guest_id));
        for (const loop of loops) {
          const shown = presentRequest(loop);
          const fromGuest = shown.activities.filter((a) => a.person.kind !== 'employee');
          const readAt = reads?.get(shown.id);
          const unreadCount =
            reads === undefined
              ? shown.unread
                ? fromGuest.filter((a) => a.occurredAt > (shown.lastViewedAt ?? 0)).length
                : 0
              : fromGuest.filter((a) => a.occurredAt > (readAt ?? 0)).length;
          const last = [...shown.activities].reverse().find((a) => typeof a.data.message === 'string' || typeof a.data.description === 'string');
          const thread = threads.get(shown.id);
          items.push({
            kind: 'request',
            id: shown.id,
            locationId: shown.locationId,
            guestId: shown.guestId,
            guestName: shown.guestId === null ? null : (names.get(shown.guestId) ?? null),
            title: shown.title ?? shown.description,
            preview: last ? String(last.data.message ?? last.data.description) : null,
            status: shown.state,
            assigneeId: thread?.assignee_id ?? null,
            unread: reads === undefined ? shown.unread : unreadCount > 0 || readAt === undefined,
            unreadCount,
            awaitingSince: thread?.awaiting_since == null ? null : Number(thread.awaiting_since),
            lastActivityAt: shown.updatedAt,
          });
        }
      }
      if (q.kind !== 'request') {
        const ids = assignee === undefined ? undefined : await threadIdsAssignedTo(db, accountId, 'chat', assignee);
        const summaries = await listChatSessionSummaries(db, accountId, { locationId: q.locationId, locationIds, ids, status, limit, offset: 0 });
        const sessionIds = summaries.map((s) => s.session.id);
        const threads = await findThreads(db, accountId, 'chat', sessionIds);
        const reads = viewer === null ? undefined : await threadReadTimes(db, accountId, 'chat', sessionIds, viewer);
        const counts = reads === undefined ? undefined : await guestMessagesAfter(db, accountId, sessionIds, reads);
        const names = await guestNames(summaries.map((s) => s.session.guest_id));
        for (const { session, lastMessage, unreadCount } of summaries) {
          const thread = threads.get(session.id);
          const count = counts?.get(session.id) ?? unreadCount;
          const message = lastMessage ? presentChatMessage(lastMessage) : null;
          items.push({
            kind: 'chat',
            id: session.id,
            locationId: session.location_id,
            guestId: session.guest_id,
            guestName: names.get(session.guest_id) ?? null,
            title: null,
            preview: message ? (message.content ?? message.url) : null,
            status,
            assigneeId: thread?.assignee_id ?? null,
            unread: count > 0,
            unreadCount: count,
            awaitingSince: thread?.awaiting_since == null ? null : Number(thread.awaiting_since),
            lastActivityAt: message?.createdAt ?? Number(session.created_at),
          });
        }
      }
      const shown = q.unread ? items.filter((i) => i.unread) : items;
      shown.sort((a, b) => b.lastActivityAt - a.lastActivityAt || (a.kind < b.kind ? -1 : 1) || b.id - a.id);
      return { items: shown.slice(0, limit) };

      async function guestNames(ids: Array<number | null>) {
        const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
        return new Map(
          (await findGuestsByIds(db, accountId, wanted)).map((g) => [g.id, g.name ?? ([g.first_name, g.last_name].filter(Boolean).join(' ') || null)]),
        );
      }
    },
  );

  app.get(
    '/inbox/settings',
    { schema: { tags, summary: 'Read the unanswered-guest alert delays', response: { 200: SettingsSchema, ...errors() } } },
    async (request) => getInboxSettings(db, request.accountId),
  );

  app.patch(
    '/inbox/settings',
    {
      schema: {
        tags,
        summary: 'Change the unanswered-guest alert delays',
        description:
          "Minutes after a guest's first unanswered message (or a new request): firstNotifyMinutes, the assignee (else the staff subscribed to the location) " +
          'hear of it by e-mail (else SMS); escalateMinutes (more than firstNotifyMinutes), the managers do. Each alert leaves at most once; an answer before cancels it. ' +
          'New delays apply to guests who start waiting afterwards. The alert uses the messaging template inbox-alert (seeded in English when missing).',
        body: SettingsPatch,
        response: { 200: SettingsSchema, ...errors(400, 413) },
      },
    },
    async (request) => inWriteTransaction(db, (trx) => setInboxSettings(trx, request.accountId, request.body)),
  );

  app.post(
    '/requests/:id/read',
    {
      schema: {
        tags: ['requests'],
        summary: 'Mark a guest request read',
        description:
          'For the staff member (staffId, or the signed-in one) it is read up to now; the request is also viewed account-wide (unread false), as PATCH viewed does.',
        params: IdParams,
        body: Type.Optional(Nullable(Type.Object({ staffId: Type.Optional(StaffId) }, { additionalProperties: false }))),
        response: { 200: Type.Object({ readAt: Instant, staffId: Nullable(Type.Integer()) }), ...errors(400, 404) },
      },
    },
    async (request) => {
      const { accountId } = request;
      const viewer = await inboxViewer(db, request, request.body?.staffId);
      const now = Date.now();
      const { ref, changed } = await inWriteTransaction(db, async (trx) => {
        const found = await threadRef(trx, accountId, 'request', request.params.id, locationScope(request));
        if (viewer !== null) await markThreadRead(trx, accountId, 'request', found.id, viewer, now);
        return { ref: found, changed: await changeLoop(adminWrite(request, trx), found.id, { viewed: true }, now) };
      });
      if (changed.changed) realtime.hub.publish({ kind: 'request', accountId, change: 'updated', request: changed.request });
      realtime.hub.publish({
        kind: 'inbox',
        accountId,
        change: { type: 'inbox.read', thread: { kind: 'request', id: ref.id }, locationId: ref.locationId, staffId: viewer, readAt: now },
      });
      return { readAt: now, staffId: viewer };
    },
  );
}
