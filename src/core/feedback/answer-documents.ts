import { reassignRows } from '../../db/reassign-rows.js';
import type { Db } from '../../db/database.js';
import type { AnswerDocument, Answer } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { checkAnswerQuestions, prepareAnswer, type AnswerInput, type PreparedAnswer } from './answer-rows.js';
import { isCalendarDate } from './dates.js';
import { findQuestions } from './question-sets.js';
import { addContributions, applyRollups, lockAnswerDocument, storedRollupAnswers, type RollupRow } from './score-rollups.js';
import { DOCUMENT_STATUSES, RETENTIONS, readFeedbackSource, type DocumentStatus, type FeedbackSource, type Retention } from './vocabulary.js';
import { recordEvent } from '../events/record-event.js';
import type { WriteContext } from '../shared/write-context.js';

export type { AnswerInput } from './answer-rows.js';
export type { FeedbackSource } from './vocabulary.js';

/** What describes a document besides its answers; every field is optional on a change. */
export interface AnswerDocumentFields {
  guestId?: number | null;
  stayId?: number | null;
  /** the channel as the client named it, e.g. Loop's "kiosk" */
  channel?: string | null;
  deviceId?: string | null;
  guestName?: string | null;
  guestEmail?: string | null;
  retention?: Retention | null;
  status?: DocumentStatus;
  reservation?: string | null;
  loyaltyId?: string | null;
  /** the review site, for source 'reputation' */
  reputationSource?: string | null;
  checkinDate?: string | null;
  checkoutDate?: string | null;
  sentAt?: number | null;
  /** share of the visible questions answered, [0, 1]; computed when not given */
  responseRate?: number | null;
}

export interface AnswerDocumentInput extends AnswerDocumentFields {
  locationId: number;
  /** required when there are no answers; else it must be the answered questions' evaluation */
  evaluationId?: number;
  /** accepts the earlier spellings post-stay, pre-stay, in-stay, next-stay too */
  source: FeedbackSource | 'post-stay' | 'pre-stay' | 'in-stay' | 'next-stay';
  receivedAt?: number;
  /** default: receivedAt for imported history (see importAnswerDocuments), else now */
  updatedAt?: number;
  externalId?: string | null;
  answers: AnswerInput[];
}

export interface AnswerDocumentChange extends AnswerDocumentFields {
  source?: FeedbackSource;
  /** answers to add; one to a question already answered replaces that answer */
  answers?: AnswerInput[];
  updatedAt?: number;
}

const FIELD_COLUMNS: Record<keyof AnswerDocumentFields, keyof AnswerDocument> = {
  guestId: 'guest_id',
  stayId: 'stay_id',
  channel: 'channel',
  deviceId: 'device_id',
  guestName: 'guest_name',
  guestEmail: 'guest_email',
  retention: 'retention',
  status: 'status',
  reservation: 'reservation',
  loyaltyId: 'loyalty_id',
  reputationSource: 'reputation_source',
  checkinDate: 'checkin_date',
  checkoutDate: 'checkout_date',
  sentAt: 'sent_at',
  responseRate: 'response_rate',
};

/** Checks the descriptive fields; returns them as columns (only those given). */
function readFields(input: AnswerDocumentFields & { source?: string }): Partial<AnswerDocument> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(FIELD_COLUMNS)) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) out[column] = value;
  }
  if (input.source !== undefined) out.source = readFeedbackSource(input.source);
  if (input.retention && !RETENTIONS.includes(input.retention)) throw badRequest(`retention must be one of ${RETENTIONS.join(', ')}`);
  if (input.status !== undefined && !DOCUMENT_STATUSES.includes(input.status)) throw badRequest(`status must be one of ${DOCUMENT_STATUSES.join(', ')}`);
  for (const key of ['checkinDate', 'checkoutDate'] as const) {
    const value = input[key];
    if (value !== undefined && value !== null && !isCalendarDate(value)) throw badRequest(`${key} must be a date written YYYY-MM-DD`);
  }
  const rate = input.responseRate;
  if (rate !== undefined && rate !== null && !(Number.isFinite(rate) && rate >= 0 && rate <= 1)) throw badRequest('responseRate must be between 0 and 1');
  if (typeof input.reputationSource === 'string') out.reputation_source = input.reputationSource.trim().toLowerCase() || null;
  return out as Partial<AnswerDocument>;
}

/** Fields that only hold together: review sites only on reviews, checkout not before checkin. */
/** A guest who answers anonymously leaves no personal data on the document (name, e-mail, loyalty id, guest link). */
function forgetIfAnonymous<T extends Partial<AnswerDocument>>(retention: string | null | undefined, columns: T): T {
  if (retention !== 'anonymous') return columns;
  return { ...columns, guest_name: null, guest_email: null, loyalty_id: null, guest_id: null };
}

function checkConsistent(doc: Pick<AnswerDocument, 'source' | 'reputation_source' | 'checkin_date' | 'checkout_date'>): void {
  if (doc.reputation_source && doc.source !== 'reputation') throw badRequest('reputationSource is only for source reputation');
  if (doc.checkin_date && doc.checkout_date && doc.checkout_date < doc.checkin_date) throw badRequest('checkoutDate is before checkinDate');
}

async function prepareAnswers(db: Db, accountId: number, answers: AnswerInput[], receivedAt: number) {
  const questions = await findQuestions(db, accountId, [...new Set(answers.map((a) => a.questionId))]);
  const evaluationId = checkAnswerQuestions(answers, questions);
  const byId = new Map(questions.map((q) => [q.id, q]));
  return { evaluationId, prepared: answers.map((a) => prepareAnswer(accountId, byId.get(a.questionId)!, a, receivedAt)) };
}

/** Share of the questions of the newest answered question set that were answered (2 decimals). */
async function responseRate(db: Db, accountId: number, answered: number, questionSetIds: number[]): Promise<number | null> {
  if (questionSetIds.length === 0) return null;
  const visible = await db
    .selectFrom('questions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('question_set_id', '=', Math.max(...questionSetIds))
    .executeTakeFirstOrThrow();
  return Math.min(1, Math.round((answered / Math.max(1, Number(visible.n))) * 100) / 100);
}

async function insertAnswers(db: Db, documentId: number, prepared: PreparedAnswer[]): Promise<Answer[]> {
  if (prepared.length === 0) return [];
  return db
    .insertInto('answers')
    .values(prepared.map((p) => ({ ...p.row, answer_document_id: documentId })))
    .returningAll()
    .execute();
}

/**
 * Stores feedback as an answer document with its answers, and adds them to the score rollups in
 * the same transaction. Every answer is checked against its question's type and options; the
 * answers may come from several question sets of one evaluation. Run in a transaction.
 */
export async function createAnswerDocument(ctx: WriteContext, input: AnswerDocumentInput): Promise<{ document: AnswerDocument; answers: Answer[] }> {
  const { trx: db, accountId } = ctx;
  if (input.answers.length === 0 && input.evaluationId === undefined) throw badRequest('at least one answer is required');
  const fields = readFields(input);
  const now = Date.now();
  const receivedAt = input.receivedAt ?? now;
  const { evaluationId: answered, prepared } = await prepareAnswers(db, accountId, input.answers, receivedAt);
  if (answered !== undefined && input.evaluationId !== undefined && answered !== input.evaluationId) {
    throw badRequest('the answered questions belong to another evaluation');
  }
  const evaluationId = answered ?? input.evaluationId!;
  const values = {
    account_id: accountId,
    evaluation_id: evaluationId,
    location_id: input.locationId,
    guest_id: null,
    stay_id: null,
    retention: null,
    status: prepared.length > 0 ? 'answered' : 'created',
    guest_name: null,
    guest_email: null,
    reservation: null,
    loyalty_id: null,
    channel: null,
    device_id: null,
    reputation_source: null,
    checkin_date: null,
    checkout_date: null,
    sent_at: null,
    response_rate: await responseRate(
      db,
      accountId,
      prepared.length,
      prepared.map((p) => p.questionSetId),
    ),
    ...fields,
    source: readFeedbackSource(input.source),
    external_id: input.externalId ?? null,
    received_at: receivedAt,
    updated_at: input.updatedAt ?? now,
  };
  checkConsistent(values);
  let document: AnswerDocument;
  try {
    document = await db.insertInto('answer_documents').values(forgetIfAnonymous(values.retention, values)).returningAll().executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`an answer document with externalId "${input.externalId}" already exists`);
    throw err;
  }
  const answers = await insertAnswers(db, document.id, prepared);
  const deltas = new Map<string, RollupRow>();
  addContributions(
    deltas,
    accountId,
    document,
    prepared.map((p) => p.rollup),
    1,
  );
  await applyRollups(db, deltas);
  await recordEvent(ctx, {
    type: 'feedback.received',
    subjects: { answerDocumentId: document.id, guestId: document.guest_id },
    data: { document, answers },
  });
  return { document, answers };
}

/**
 * Changes a document: its fields (e.g. the checkout date the PMS corrected) and answers given
 * or changed later. Scores move with it: the document's old contribution to the rollups is taken
 * away and the new one added, in the same transaction. Run in a transaction.
 */
export async function updateAnswerDocument(db: Db, accountId: number, id: number, change: AnswerDocumentChange): Promise<AnswerDocument> {
  const before = await lockAnswerDocument(db, accountId, id);
  if (!before) throw notFound('answer document');
  const fields = readFields(change);
  const now = Date.now();
  const answers = change.answers ?? [];
  const { evaluationId, prepared } = await prepareAnswers(db, accountId, answers, now);
  if (evaluationId !== undefined && evaluationId !== before.evaluation_id) throw badRequest('the answered questions belong to another evaluation');
  checkConsistent({ ...before, ...fields });

  const deltas = new Map<string, RollupRow>();
  addContributions(deltas, accountId, before, await storedRollupAnswers(db, accountId, id), -1);
  if (prepared.length > 0) {
    await db
      .deleteFrom('answers')
      .where('account_id', '=', accountId)
      .where('answer_document_id', '=', id)
      .where(
        'question_id',
        'in',
        prepared.map((p) => p.row.question_id),
      )
      .execute();
    await insertAnswers(db, id, prepared);
    if (change.responseRate === undefined) {
      const stored = await db
        .selectFrom('answers')
        .innerJoin('questions', 'questions.id', 'answers.question_id')
        .select('questions.question_set_id')
        .where('answers.account_id', '=', accountId)
        .where('answers.answer_document_id', '=', id)
        .execute();
      fields.response_rate = await responseRate(
        db,
        accountId,
        stored.length,
        stored.map((s) => s.question_set_id),
      );
    }
    if (change.status === undefined && before.status !== 'answered') fields.status = 'answered';
  }
  const after = await db
    .updateTable('answer_documents')
    .set({ ...forgetIfAnonymous(fields.retention !== undefined ? fields.retention : before.retention, fields), updated_at: change.updatedAt ?? now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  addContributions(deltas, accountId, after, await storedRollupAnswers(db, accountId, id), 1);
  await applyRollups(db, deltas);
  return after;
}

/** One document of the account, or undefined (another account's id included). */
export async function findAnswerDocument(db: Db, accountId: number, id: number): Promise<AnswerDocument | undefined> {
  return db.selectFrom('answer_documents').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The document an importer keyed with `externalId`, so a re-import updates instead of copying. */
export async function findAnswerDocumentByExternalId(db: Db, accountId: number, externalId: string): Promise<AnswerDocument | undefined> {
  return db.selectFrom('answer_documents').selectAll().where('account_id', '=', accountId).where('external_id', '=', externalId).executeTakeFirst();
}

/** A document's answers in the order they were stored. */
export async function listAnswers(db: Db, accountId: number, documentId: number): Promise<Answer[]> {
  return db.selectFrom('answers').selectAll().where('account_id', '=', accountId).where('answer_document_id', '=', documentId).orderBy('id').execute();
}

/**
 * Gives `from`'s answer documents to `to` when a guest is merged, split or restored: all of them,
 * or only `ids`, or only those of the stays `stayIds` (the stays that went along). Returns the ids moved.
 */
export async function reassignAnswerDocuments(
  db: Db,
  accountId: number,
  from: number,
  to: number,
  only: { ids?: readonly number[]; stayIds?: readonly number[] } = {},
): Promise<number[]> {
  const { ids, idColumn } = only.stayIds ? { ids: only.stayIds, idColumn: 'stay_id' } : { ids: only.ids, idColumn: 'id' };
  return reassignRows(db, { table: 'answer_documents', column: 'guest_id', accountId, from, to, ids, idColumn });
}
