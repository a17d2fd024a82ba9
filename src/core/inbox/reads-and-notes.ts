import type { Db } from '../../db/database.js';
import { badRequest } from '../shared/errors.js';
import type { ThreadKind } from './threads.js';

/*
 * What each staff member has read, and the internal notes staff write on a conversation. Notes
 * live here, apart from the request's activities and the chat's messages, so no guest-facing
 * page or face can ever show them.
 */

/** Staff member `employeeId` read the conversation at `at` (a later read only moves it forward). */
export async function markThreadRead(db: Db, accountId: number, kind: ThreadKind, id: number, employeeId: number, at: number): Promise<void> {
  await db
    .insertInto('inbox_reads')
    .values({ account_id: accountId, kind, thread_id: id, employee_id: employeeId, read_at: at })
    .onConflict((oc) => oc.columns(['account_id', 'kind', 'thread_id', 'employee_id']).doUpdateSet({ read_at: at }))
    .execute();
}

/** When `employeeId` last read each of the conversations `ids` (absent: never). */
export async function threadReadTimes(db: Db, accountId: number, kind: ThreadKind, ids: readonly number[], employeeId: number): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('inbox_reads')
    .select(['thread_id', 'read_at'])
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('employee_id', '=', employeeId)
    .where('thread_id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [Number(r.thread_id), Number(r.read_at)]));
}

export interface InboxNote {
  id: number;
  authorId: number | null;
  authorName: string | null;
  text: string;
  createdAt: number;
}

export const MAX_NOTE_CHARS = 4000;

export async function addNote(
  db: Db,
  accountId: number,
  kind: ThreadKind,
  id: number,
  note: { text: string; authorId: number | null; authorName: string | null },
  now = Date.now(),
): Promise<InboxNote> {
  const text = note.text.trim();
  if (!text) throw badRequest('text must not be empty');
  if (text.length > MAX_NOTE_CHARS) throw badRequest(`text is longer than ${MAX_NOTE_CHARS} characters`);
  const row = await db
    .insertInto('inbox_notes')
    .values({ account_id: accountId, kind, thread_id: id, author_id: note.authorId, author_name: note.authorName, text, created_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return presentNote(row);
}

const presentNote = (row: { id: number; author_id: number | null; author_name: string | null; text: string; created_at: number }): InboxNote => ({
  id: Number(row.id),
  authorId: row.author_id,
  authorName: row.author_name,
  text: row.text,
  createdAt: Number(row.created_at),
});

/** The conversation's notes, oldest first (at most 500). */
export async function listNotes(db: Db, accountId: number, kind: ThreadKind, id: number): Promise<InboxNote[]> {
  const rows = await db
    .selectFrom('inbox_notes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('thread_id', '=', id)
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map(presentNote);
}
