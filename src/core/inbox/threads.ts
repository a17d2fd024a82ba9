import type { Db } from '../../db/database.js';
import type { InboxThreadsTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';
import { createJob } from '../jobs/jobs.js';
import type { WriteContext } from '../shared/write-context.js';
import { DEFAULT_INBOX_SETTINGS, firstNotifyMinutesSubquery } from './settings.js';

/*
 * The inbox's state of a conversation (a guest request or a chat session): its assignee and
 * whether a guest waits for an answer. The requests and chat modules call guestWaiting and
 * staffAnswered in the transaction that stores a guest's or staff's message; the first unanswered
 * guest message schedules the alert job (escalation.ts), an answer makes it end without a word.
 */

export type ThreadKind = 'request' | 'chat';
export type InboxThread = Selectable<InboxThreadsTable>;

/** A conversation as its module knows it. */
export interface ThreadRef {
  kind: ThreadKind;
  id: number;
  locationId: number;
  guestId: number | null;
}

export const ALERT_JOB_KIND = 'inbox.alert';

export interface AlertJobPayload {
  kind: ThreadKind;
  id: number;
  /** the awaiting_since the job was scheduled for: another one (answered, then asked again) ends it */
  since: number;
  /** 1: notify the assignee or the on-duty staff; 2: escalate to the managers */
  step: 1 | 2;
}

/** Writes the thread's state; `onlyIfIdle`: an existing thread is left as it is while a guest waits on it. */
function threadUpsert(db: Db, accountId: number, ref: ThreadRef, set: Partial<InboxThread>, now: number, onlyIfIdle = false) {
  return db
    .insertInto('inbox_threads')
    .values({
      account_id: accountId,
      kind: ref.kind,
      thread_id: ref.id,
      location_id: ref.locationId,
      guest_id: ref.guestId,
      assignee_id: null,
      awaiting_since: null,
      updated_at: now,
      ...set,
    })
    .onConflict((oc) => {
      const update = oc
        .columns(['account_id', 'kind', 'thread_id'])
        .doUpdateSet({ location_id: ref.locationId, guest_id: ref.guestId, updated_at: now, ...set });
      return onlyIfIdle ? update.where('inbox_threads.awaiting_since', 'is', null) : update;
    });
}

async function upsertThread(db: Db, accountId: number, ref: ThreadRef, set: Partial<InboxThread>, now: number): Promise<void> {
  await threadUpsert(db, accountId, ref, set, now).execute();
}

export async function findThread(db: Db, accountId: number, kind: ThreadKind, id: number): Promise<InboxThread | undefined> {
  return db.selectFrom('inbox_threads').selectAll().where('account_id', '=', accountId).where('kind', '=', kind).where('thread_id', '=', id).executeTakeFirst();
}

/** The threads of `ids` of one kind that the inbox has state for, by id. */
export async function findThreads(db: Db, accountId: number, kind: ThreadKind, ids: readonly number[]): Promise<Map<number, InboxThread>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('inbox_threads')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('thread_id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [Number(r.thread_id), r]));
}

/** Ids of the conversations of `kind` assigned to `employeeId`. */
export async function threadIdsAssignedTo(db: Db, accountId: number, kind: ThreadKind, employeeId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('inbox_threads')
    .select('thread_id')
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('assignee_id', '=', employeeId)
    .execute();
  return rows.map((r) => Number(r.thread_id));
}

/** Assigns the conversation to an employee (null: nobody); the caller checked the employee exists. */
export async function assignThread(db: Db, accountId: number, ref: ThreadRef, assigneeId: number | null, now = Date.now()): Promise<void> {
  await upsertThread(db, accountId, ref, { assignee_id: assigneeId }, now);
}

/**
 * A guest wrote (or opened a request) at `at`: if nobody was waiting yet, the conversation now
 * waits since then and the first alert is scheduled after the account's delay.
 */
export async function guestWaiting(ctx: WriteContext, ref: ThreadRef, at: number): Promise<void> {
  const { trx, accountId } = ctx;
  // One statement (a round trip each on PostgreSQL, on the chat's hot path): the thread starts
  // waiting unless it already was (then nothing is written and no row comes back), and the
  // account's first-notice delay comes back with it.
  const started = await threadUpsert(trx, accountId, ref, { awaiting_since: at, alert_step: 0 }, at, true)
    .returning(firstNotifyMinutesSubquery(trx, accountId).as('first_notify_minutes'))
    .executeTakeFirst();
  if (!started) return;
  const firstNotifyMinutes = started.first_notify_minutes ?? DEFAULT_INBOX_SETTINGS.firstNotifyMinutes;
  const payload: AlertJobPayload = { kind: ref.kind, id: ref.id, since: at, step: 1 };
  await createJob(trx, accountId, { kind: ALERT_JOB_KIND, payload, runAt: at + firstNotifyMinutes * 60_000, maxAttempts: 10 }, at);
}

/** Staff answered: nobody waits any more, and any alert still due ends without a word. */
export async function staffAnswered(ctx: WriteContext, ref: ThreadRef, at: number): Promise<void> {
  const { trx, accountId } = ctx;
  await trx
    .updateTable('inbox_threads')
    .set({ awaiting_since: null, alert_step: 0, updated_at: at })
    .where('account_id', '=', accountId)
    .where('kind', '=', ref.kind)
    .where('thread_id', '=', ref.id)
    .where('awaiting_since', 'is not', null)
    .execute();
}

/**
 * Records that alert `step` for the wait since `since` is being sent; false when it was already
 * (at most once) or the guest was answered meanwhile. Run in the transaction that queues the alert.
 */
export async function claimAlertStep(db: Db, accountId: number, payload: AlertJobPayload, now: number): Promise<boolean> {
  const result = await db
    .updateTable('inbox_threads')
    .set({ alert_step: payload.step, updated_at: now })
    .where('account_id', '=', accountId)
    .where('kind', '=', payload.kind)
    .where('thread_id', '=', payload.id)
    .where('awaiting_since', '=', payload.since)
    .where('alert_step', '=', payload.step - 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
