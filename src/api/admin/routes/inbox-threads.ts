import { Type } from '@sinclair/typebox';
import { findEmployee } from '../../../core/accounts/employees.js';
import { findChatSession } from '../../../core/chat/chat-sessions.js';
import { addNote, listNotes, MAX_NOTE_CHARS } from '../../../core/inbox/reads-and-notes.js';
import { assignThread, findThread, type ThreadKind, type ThreadRef } from '../../../core/inbox/threads.js';
import { findLoop } from '../../../core/requests/loops.js';
import { badRequest, notFound } from '../../../core/shared/errors.js';
import type { Db } from '../../../db/database.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { inboxViewer } from '../inbox-viewer.js';
import { inScope, locationScope } from '../permissions.js';
import { Id, IdParams, Nullable, errors } from '../schemas.js';
import { AssigneeSchema, NoteListSchema, NoteSchema } from './inbox-schemas.js';

/*
 * What the staff inbox adds to a guest request and a chat session alike: an assignee and
 * internal notes (never shown to the guest). Each change reaches the account's staff sockets as
 * inbox.assigned or inbox.note.
 */

const StaffId = Type.Integer({ minimum: 1, maximum: 2147483647, description: 'the employee the call is made for (admin token only)' });
const AssigneeBody = Type.Object(
  { employeeId: Nullable(Id), staffId: Type.Optional(StaffId) },
  { additionalProperties: false, description: 'employeeId: the employee to assign it to; null: unassign' },
);
const NoteBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: MAX_NOTE_CHARS }),
    authorName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    staffId: Type.Optional(StaffId),
  },
  { additionalProperties: false },
);

/** The conversation `id` of `kind` as the inbox names it; 404 when the account has none. */
/** The request or chat session, a 404 when it is not the account's or outside the caller's locations (as GET /requests/:id). */
export async function threadRef(db: Db, accountId: number, kind: ThreadKind, id: number, scope: readonly number[] | 'all'): Promise<ThreadRef> {
  if (kind === 'request') {
    const loop = await findLoop(db, accountId, id);
    if (!loop || !inScope(scope, loop.location_id)) throw notFound(`request ${id}`);
    return { kind, id, locationId: loop.location_id, guestId: loop.creator_guest_id };
  }
  const session = await findChatSession(db, accountId, id);
  if (!session || !inScope(scope, session.location_id)) throw notFound('chat session');
  return { kind, id, locationId: session.location_id, guestId: session.guest_id };
}

export async function inboxThreadRoutes(app: AdminApp, { db, realtime }: AdminDeps): Promise<void> {
  const kinds: Array<{ kind: ThreadKind; path: string; tag: string; what: string }> = [
    { kind: 'request', path: '/requests/:id', tag: 'requests', what: 'guest request' },
    { kind: 'chat', path: '/chat/sessions/:id', tag: 'chat', what: 'chat session' },
  ];
  for (const { kind, path, tag, what } of kinds) {
    app.get(
      `${path}/assignee`,
      { schema: { tags: [tag], summary: `Who a ${what} is assigned to`, params: IdParams, response: { 200: AssigneeSchema, ...errors(400, 404) } } },
      async (request) => {
        const ref = await threadRef(db, request.accountId, kind, request.params.id, locationScope(request));
        const thread = await findThread(db, request.accountId, kind, ref.id);
        return { kind, id: ref.id, assigneeId: thread?.assignee_id ?? null };
      },
    );

    app.put(
      `${path}/assignee`,
      {
        schema: {
          tags: [tag],
          summary: `Assign a ${what} to an employee`,
          description: 'employeeId null unassigns it. The assignee is who hears first when the guest is left unanswered.',
          params: IdParams,
          body: AssigneeBody,
          response: { 200: AssigneeSchema, ...errors(400, 404, 413) },
        },
      },
      async (request) => {
        const { accountId } = request;
        const { employeeId } = request.body;
        await inboxViewer(db, request, request.body.staffId);
        const ref = await inWriteTransaction(db, async (trx) => {
          const found = await threadRef(trx, accountId, kind, request.params.id, locationScope(request));
          if (employeeId !== null && !(await findEmployee(trx, accountId, employeeId)))
            throw badRequest(`employeeId ${employeeId} is not an employee of the account`);
          await assignThread(trx, accountId, found, employeeId);
          return found;
        });
        realtime.hub.publish({
          kind: 'inbox',
          accountId,
          change: { type: 'inbox.assigned', thread: { kind, id: ref.id }, locationId: ref.locationId, assigneeId: employeeId },
        });
        return { kind, id: ref.id, assigneeId: employeeId };
      },
    );

    app.get(
      `${path}/notes`,
      {
        schema: {
          tags: [tag],
          summary: `Read the internal notes of a ${what}`,
          description: 'Notes staff wrote for each other, oldest first; never shown to the guest.',
          params: IdParams,
          response: { 200: NoteListSchema, ...errors(400, 404) },
        },
      },
      async (request) => {
        const ref = await threadRef(db, request.accountId, kind, request.params.id, locationScope(request));
        return { notes: await listNotes(db, request.accountId, kind, ref.id) };
      },
    );

    app.post(
      `${path}/notes`,
      {
        schema: {
          tags: [tag],
          summary: `Write an internal note on a ${what}`,
          description: 'Seen by staff only: no guest page, guest socket, face or webhook shows it. Not an answer to the guest.',
          params: IdParams,
          body: NoteBody,
          response: { 201: NoteSchema, ...errors(400, 404, 413) },
        },
      },
      async (request, reply) => {
        const { accountId } = request;
        const authorId = await inboxViewer(db, request, request.body.staffId);
        const author = authorId === null ? null : await findEmployee(db, accountId, authorId);
        const { ref, note } = await inWriteTransaction(db, async (trx) => {
          const found = await threadRef(trx, accountId, kind, request.params.id, locationScope(request));
          const authorName = request.body.authorName ?? author?.name ?? author?.username ?? null;
          return { ref: found, note: await addNote(trx, accountId, kind, found.id, { text: request.body.text, authorId, authorName }) };
        });
        realtime.hub.publish({ kind: 'inbox', accountId, change: { type: 'inbox.note', thread: { kind, id: ref.id }, locationId: ref.locationId, note } });
        return reply.status(201).send(note);
      },
    );
  }
}
