import { writeContext } from '../../core/shared/write-context.js';
import {
  createAnswerDocument,
  findAnswerDocumentByExternalId,
  updateAnswerDocument,
  type AnswerDocumentFields,
  type AnswerInput,
} from '../../core/feedback/answer-documents.js';
import { readCalendarDate, readInstant } from '../../core/feedback/dates.js';
import { listEvaluationsForLocation } from '../../core/feedback/evaluations.js';
import { findFeedbackRowId } from '../../core/feedback/face-ids.js';
import { currentQuestionIdsBySemanticId, findQuestions } from '../../core/feedback/question-sets.js';
import { listUnitsWithDefaultEvaluation } from '../../core/feedback/unit-default-evaluations.js';
import { readFeedbackSource, type DocumentStatus, type Retention } from '../../core/feedback/vocabulary.js';
import { badRequest, isAppError } from '../../core/shared/errors.js';
import type { Db } from '../../db/database.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import type { Location } from '../../db/schema.js';
import { runImport, underSavepoint, unitsByLooponId, type ImportOptions, type ImportSource } from './import-batches.js';
import type { ImportFailure, ImportResult } from './json-lines.js';

/*
 * Bulk import of answer documents, one JSON object per line (the import format of the admin API
 * and `openstay import`, docs/import.md), in the field names of the Loopon face: unitId (or propertyCode), evaluationId, externalId, retention, status, guestName,
 * guestEmail, reservationNumber, loyaltyId, source, reputationSource, checkinDate, checkoutDate,
 * sent, received, responseRate and answers [{questionId | semanticId, answerOption,
 * answerOptions, answerText, answerNumber, score, received}]. A line whose externalId was
 * imported before updates that document (fields given replace, answers are merged by question).
 * Any other field is reported, so a typo is not silently dropped; texts are trimmed and an empty
 * text counts as absent.
 */

const DOCUMENT_FIELDS = new Set([
  'externalId',
  'unitId',
  'propertyCode',
  'evaluationId',
  'retention',
  'status',
  'guestName',
  'guestEmail',
  'reservationNumber',
  'loyaltyId',
  'source',
  'reputationSource',
  'checkinDate',
  'checkoutDate',
  'sent',
  'received',
  'responseRate',
  'answers',
]);
const ANSWER_FIELDS = new Set(['questionId', 'semanticId', 'answerOption', 'answerOptions', 'answerText', 'answerNumber', 'score', 'received']);

function checkFields(record: Record<string, unknown>, known: Set<string>, where: string): void {
  const unknown = Object.keys(record).filter((k) => !known.has(k));
  if (unknown.length) throw badRequest(`${where}unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`);
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function optString(record: Json, key: string): string | null | undefined {
  const v = record[key];
  if (v === undefined || v === null) return v as null | undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`);
  return v.trim() === '' ? null : v.trim();
}

function optInt(record: Json, key: string): number | undefined {
  const v = record[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw badRequest(`${key} must be a non-negative integer`);
  return v;
}

/** Caches what every line looks up: units, evaluations, semantic ids of current question sets. */
class Lookups {
  private units?: Map<number, Location>;
  private evaluations = new Map<number, number | undefined>();
  private semantic = new Map<number, Map<number, number>>();
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  async unit(id: number | undefined, propertyCode: string | null | undefined): Promise<Location> {
    this.units ??= unitsByLooponId(await listUnitsWithDefaultEvaluation(this.db, this.accountId));
    const units = this.units;
    if (id === undefined && !propertyCode) throw badRequest('unitId or propertyCode is required');
    let unit: Location | undefined;
    if (id !== undefined) {
      unit = units.get(id);
      if (!unit) throw badRequest(`unit ${id} does not exist`);
      if (propertyCode && unit.property_code !== propertyCode) throw badRequest(`unit ${id} does not have propertyCode "${propertyCode}"`);
    } else {
      const matches = [...new Set(units.values())].filter((u) => u.kind !== 'chain' && u.property_code === propertyCode);
      if (matches.length === 0) throw badRequest(`no unit has propertyCode "${propertyCode}"`);
      if (matches.length > 1) throw badRequest(`several units have propertyCode "${propertyCode}"; give unitId`);
      unit = matches[0];
    }
    if (unit.kind === 'chain') throw badRequest(`unitId ${id} is a chain; feedback belongs to one of its units`);
    return unit;
  }

  /** The key of the evaluation a Loopon evaluationId names (its own key or the Loopon id it kept). */
  async evaluation(id: number): Promise<number> {
    if (!this.evaluations.has(id)) this.evaluations.set(id, await findFeedbackRowId(this.db, this.accountId, 'evaluation', 'loopon', id, id));
    const key = this.evaluations.get(id);
    if (key === undefined) throw badRequest(`evaluationId ${id} is not an evaluation of this account`);
    return key;
  }

  /** The key of the question a Loopon questionId names, or the id itself (reported as unknown later). */
  async question(id: number): Promise<number> {
    return (await findFeedbackRowId(this.db, this.accountId, 'question', 'loopon', id, id)) ?? id;
  }

  async questionForSemanticId(evaluationId: number, semanticId: number): Promise<number> {
    let bySemantic = this.semantic.get(evaluationId);
    if (!bySemantic) {
      bySemantic = await currentQuestionIdsBySemanticId(this.db, this.accountId, evaluationId);
      this.semantic.set(evaluationId, bySemantic);
    }
    const id = bySemantic.get(semanticId);
    if (id === undefined) throw badRequest(`no question of evaluation ${evaluationId} has semantic id ${semanticId}`);
    return id;
  }
}

function readFields(record: Json): AnswerDocumentFields {
  const fields: AnswerDocumentFields = {};
  const set = <K extends keyof AnswerDocumentFields>(key: K, value: AnswerDocumentFields[K] | undefined) => {
    if (value !== undefined) fields[key] = value;
  };
  set('retention', optString(record, 'retention') as Retention | null | undefined);
  const status = optString(record, 'status');
  if (status !== null) set('status', status as DocumentStatus | undefined);
  set('guestName', optString(record, 'guestName'));
  set('guestEmail', optString(record, 'guestEmail'));
  set('reservation', optString(record, 'reservationNumber'));
  set('loyaltyId', optString(record, 'loyaltyId'));
  set('reputationSource', optString(record, 'reputationSource'));
  for (const [key, field] of [
    ['checkinDate', 'checkinDate'],
    ['checkoutDate', 'checkoutDate'],
  ] as const) {
    const v = optString(record, key);
    set(field, v === undefined || v === null ? v : readCalendarDate(v, key));
  }
  const sent = optString(record, 'sent');
  set('sentAt', sent === undefined || sent === null ? sent : readInstant(sent, 'sent'));
  const rate = record.responseRate;
  if (rate !== undefined) {
    if (rate !== null && typeof rate !== 'number') throw badRequest('responseRate must be a number');
    set('responseRate', rate as number | null);
  }
  return fields;
}

async function readAnswers(db: Db, accountId: number, lookups: Lookups, record: Json, evaluationId: number | undefined): Promise<AnswerInput[]> {
  const raw = record.answers;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest('answers must be an array');
  const out: AnswerInput[] = [];
  const refs = await Promise.all(
    raw.map(async (a, i) => {
      if (!isObject(a)) throw badRequest(`answers[${i}] must be an object`);
      checkFields(a, ANSWER_FIELDS, `answers[${i}]: `);
      const questionId = optInt(a, 'questionId');
      if (questionId !== undefined) return lookups.question(questionId);
      const semanticId = optInt(a, 'semanticId');
      if (semanticId === undefined) throw badRequest(`answers[${i}] needs a questionId or a semanticId`);
      if (evaluationId === undefined)
        throw badRequest(`answers[${i}]: a semanticId needs the evaluationId (or a unit with a default evaluation, or with only one)`);
      return lookups.questionForSemanticId(evaluationId, semanticId);
    }),
  );
  const questions = new Map((await findQuestions(db, accountId, [...new Set(refs)])).map((q) => [q.id, q]));
  raw.forEach((a: Json, i) => {
    const q = questions.get(refs[i]);
    if (!q) throw badRequest(`answers[${i}]: question ${refs[i]} does not exist`);
    const input: AnswerInput = { questionId: q.id };
    const at = `answers[${i}]`;
    if (q.type === 'radio' || q.type === 'bool') {
      input.optionId = optInt(a, 'answerOption') ?? undefined;
      // A scale answered by value (an NPS of 9) names the option titled "9".
      if (input.optionId === undefined && typeof a.answerNumber === 'number') input.number = a.answerNumber;
    } else if (q.type === 'checkbox') {
      if (!Array.isArray(a.answerOptions) || a.answerOptions.some((o) => !Number.isInteger(o)))
        throw badRequest(`${at}.answerOptions must be an array of option ids`);
      input.optionIds = a.answerOptions as number[];
    } else if (q.type === 'number') {
      const n =
        typeof a.answerNumber === 'number' ? a.answerNumber : typeof a.answerText === 'string' && a.answerText.trim() !== '' ? Number(a.answerText) : NaN;
      if (!Number.isFinite(n)) throw badRequest(`${at}: question ${q.id} takes a number (answerNumber)`);
      input.number = n;
    } else input.text = optString(a, 'answerText') ?? undefined;
    if (a.score !== undefined && a.score !== null) {
      if (typeof a.score !== 'number') throw badRequest(`${at}.score must be a number`);
      input.score = a.score;
    }
    const received = optString(a, 'received');
    if (received) input.receivedAt = readInstant(received, `${at}.received`);
    out.push(input);
  });
  return out;
}

/** The evaluation of a unit that uses exactly one (no default set), else undefined. */
async function onlyEvaluationOf(db: Db, accountId: number, unitId: number): Promise<number | undefined> {
  const evaluations = await listEvaluationsForLocation(db, accountId, unitId);
  return evaluations.length === 1 ? evaluations[0].id : undefined;
}

/** Imports one line: creates the document, or updates the one imported before with its externalId. */
async function importOne(db: Db, accountId: number, lookups: Lookups, value: unknown): Promise<void> {
  if (!isObject(value)) throw badRequest('a line must be a JSON object');
  checkFields(value, DOCUMENT_FIELDS, '');
  const unit = await lookups.unit(optInt(value, 'unitId'), optString(value, 'propertyCode'));
  const evaluationRef = optInt(value, 'evaluationId');
  const givenEvaluation = evaluationRef === undefined ? undefined : await lookups.evaluation(evaluationRef);
  const externalId = optString(value, 'externalId') ?? null;
  const existing = externalId ? await findAnswerDocumentByExternalId(db, accountId, externalId) : undefined;
  if (existing && existing.location_id !== unit.id) throw badRequest(`externalId "${externalId}" was imported for another unit`);
  if (existing && givenEvaluation !== undefined && existing.evaluation_id !== givenEvaluation) {
    throw badRequest(`externalId "${externalId}" was imported for another evaluation than ${evaluationRef}`);
  }
  const evaluationId = existing?.evaluation_id ?? givenEvaluation ?? unit.default_evaluation_id ?? (await onlyEvaluationOf(db, accountId, unit.id));
  const fields = readFields(value);
  const answers = await readAnswers(db, accountId, lookups, value, evaluationId);
  const source = optString(value, 'source');
  const received = optString(value, 'received');
  if (existing) {
    await updateAnswerDocument(db, accountId, existing.id, { ...fields, ...(source ? { source: readFeedbackSource(source) } : {}), answers });
    return;
  }
  if (!source) throw badRequest('source is required');
  if (answers.length === 0 && evaluationId === undefined) throw badRequest('evaluationId is required for a document without answers');
  const receivedAt = received ? readInstant(received, 'received') : Date.now();
  // History keeps its time: a document imported now was last updated when it was received.
  const updatedAt = Math.max(receivedAt, ...answers.map((a) => a.receivedAt ?? 0));
  // An import runs as a job: the system writes it.
  await createAnswerDocument(writeContext(db, accountId), {
    ...fields,
    locationId: unit.id,
    evaluationId: givenEvaluation ?? (answers.length === 0 ? evaluationId : undefined),
    source: readFeedbackSource(source),
    receivedAt,
    updatedAt,
    externalId,
    answers,
  });
}

const lineProblem = (err: unknown): string | undefined => {
  if (isAppError(err) && err.status < 500) return err.message;
  if (isUniqueViolation(err)) return 'conflicts with a document imported at the same time; import the line again';
  if (isForeignKeyViolation(err)) return 'refers to something that no longer exists';
  return undefined;
};

/**
 * Imports answer documents (see the file comment) through the shared import loop: good lines are
 * written in batches, one transaction per batch, each line under a savepoint so a bad one is
 * reported with its line number and rolled back alone. Rollups move with every line.
 */
export async function importAnswerDocuments(db: Db, accountId: number, records: ImportSource, opts: ImportOptions = {}): Promise<ImportResult> {
  return runImport<unknown>(
    db,
    records,
    {
      read: (value) => value,
      async write(trx, items) {
        const lookups = new Lookups(trx, accountId);
        const failed: ImportFailure[] = [];
        for (const { line, item } of items) {
          try {
            await underSavepoint(trx, 'import_line', () => importOne(trx, accountId, lookups, item));
          } catch (err) {
            const error = lineProblem(err);
            if (error === undefined) throw err;
            failed.push({ line, error });
          }
        }
        return failed;
      },
    },
    opts,
  );
}
