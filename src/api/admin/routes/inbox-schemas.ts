import { Type } from '@sinclair/typebox';
import { Instant, Nullable } from '../schemas.js';

/*
 * Wire schemas of the staff inbox's answers (routes/inbox.ts, routes/inbox-threads.ts), in a
 * module of their own so the console can take its types from them without the routes' imports.
 */

/** Which conversation a thread is: a guest request or a chat session. */
export const ThreadKindSchema = Type.Union([Type.Literal('request'), Type.Literal('chat')], { description: 'request or chat' });

export const InboxItemSchema = Type.Object({
  kind: ThreadKindSchema,
  id: Type.Integer({ description: 'the request id or the chat session id' }),
  locationId: Type.Integer(),
  guestId: Nullable(Type.Integer()),
  guestName: Nullable(Type.String()),
  title: Nullable(Type.String({ description: "a request's title or description" })),
  preview: Nullable(Type.String({ description: 'the last message (or activity) text' })),
  status: Type.String({ description: 'open or closed (a chat session is closed once it expired)' }),
  assigneeId: Nullable(Type.Integer()),
  unread: Type.Boolean(),
  unreadCount: Type.Integer({ description: 'guest messages (a request: guest activities) the viewer has not read' }),
  awaitingSince: Nullable(Instant),
  lastActivityAt: Instant,
});
export const InboxListSchema = Type.Object({ items: Type.Array(InboxItemSchema) });

export const NoteSchema = Type.Object({
  id: Type.Integer(),
  authorId: Nullable(Type.Integer({ description: 'the employee who wrote it, when known' })),
  authorName: Nullable(Type.String()),
  text: Type.String(),
  createdAt: Instant,
});
export const NoteListSchema = Type.Object({ notes: Type.Array(NoteSchema) });

export const AssigneeSchema = Type.Object({ kind: ThreadKindSchema, id: Type.Integer(), assigneeId: Nullable(Type.Integer()) });
