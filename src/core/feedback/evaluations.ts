import type { Db } from '../../db/database.js';
import type { Evaluation } from '../../db/schema.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import { clearDefaultEvaluation } from '../locations/default-evaluation.js';
import { findLocation, missingLocationIds } from '../locations/locations.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { writeQuestionSet, validateSections, type SectionDefinition } from './question-sets.js';

/** A survey (Loop) or evaluation (Loopon): one row, one versioned list of question sets. */
export interface EvaluationInput {
  shortcode?: string | null;
  name?: string;
  description?: string | null;
  questionOrderRandomized?: boolean;
  /** locations that use this survey; replaces the current list when given */
  locationIds?: number[];
  sections?: SectionDefinition[];
  /** when this version of the survey took effect (epoch ms); default now. The demo backdates its history. */
  at?: number;
}

/** A shortcode as stored: trimmed, never blank (null clears it, undefined leaves it). */
function readShortcode(shortcode: string | null | undefined): string | null | undefined {
  if (typeof shortcode !== 'string') return shortcode;
  const trimmed = shortcode.trim();
  if (trimmed === '') throw badRequest('shortcode cannot be blank');
  return trimmed;
}

/** Writes the next question set; two changes of the questions at once both take the same serial: one is a 409. */
async function writeNextQuestionSet(db: Db, accountId: number, id: number, sections: SectionDefinition[], at?: number): Promise<void> {
  try {
    await writeQuestionSet(db, accountId, id, sections, at);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('the survey was changed by another request at the same time; try again');
    throw err;
  }
}

async function setLocations(db: Db, accountId: number, evaluationId: number, locationIds: number[]): Promise<void> {
  const unique = [...new Set(locationIds)];
  const missing = await missingLocationIds(db, accountId, unique);
  if (missing.length) throw badRequest(`unknown location id(s): ${missing.join(', ')}`);
  await db.deleteFrom('evaluation_locations').where('account_id', '=', accountId).where('evaluation_id', '=', evaluationId).execute();
  if (unique.length) {
    await db
      .insertInto('evaluation_locations')
      .values(unique.map((locationId) => ({ account_id: accountId, evaluation_id: evaluationId, location_id: locationId })))
      .execute();
  }
}

/** Creates an evaluation with its first question set. Run inside a transaction. */
export async function createEvaluation(db: Db, accountId: number, input: EvaluationInput): Promise<Evaluation> {
  const shortcode = readShortcode(input.shortcode);
  if (!input.name?.trim()) throw badRequest('name is required');
  if (!input.sections) throw badRequest('sections are required');
  validateSections(input.sections);
  let evaluation: Evaluation;
  try {
    evaluation = await db
      .insertInto('evaluations')
      .values({
        account_id: accountId,
        shortcode: shortcode ?? null,
        name: input.name.trim(),
        description: input.description ?? null,
        question_order_randomized: input.questionOrderRandomized ? 1 : 0,
        created_at: input.at ?? Date.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a survey with shortcode "${shortcode}" already exists`);
    throw err;
  }
  await writeQuestionSet(db, accountId, evaluation.id, input.sections, input.at);
  if (input.locationIds) await setLocations(db, accountId, evaluation.id, input.locationIds);
  return evaluation;
}

/** Changes an evaluation; new sections create a new question set. Run inside a transaction. */
export async function updateEvaluation(db: Db, accountId: number, id: number, input: EvaluationInput): Promise<Evaluation> {
  const shortcode = readShortcode(input.shortcode);
  await getEvaluation(db, accountId, id);
  const set: Record<string, unknown> = {};
  if (shortcode !== undefined) set.shortcode = shortcode;
  if (input.name !== undefined) {
    if (!input.name.trim()) throw badRequest('name cannot be empty');
    set.name = input.name.trim();
  }
  if (input.description !== undefined) set.description = input.description;
  if (input.questionOrderRandomized !== undefined) set.question_order_randomized = input.questionOrderRandomized ? 1 : 0;
  if (Object.keys(set).length) {
    try {
      await db.updateTable('evaluations').set(set).where('account_id', '=', accountId).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a survey with shortcode "${shortcode}" already exists`);
      throw err;
    }
  }
  if (input.sections) await writeNextQuestionSet(db, accountId, id, input.sections, input.at);
  if (input.locationIds) await setLocations(db, accountId, id, input.locationIds);
  return getEvaluation(db, accountId, id);
}

export async function findEvaluation(db: Db, accountId: number, id: number): Promise<Evaluation | undefined> {
  return db.selectFrom('evaluations').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function getEvaluation(db: Db, accountId: number, id: number): Promise<Evaluation> {
  const evaluation = await findEvaluation(db, accountId, id);
  if (!evaluation) throw notFound('survey');
  return evaluation;
}

export async function findEvaluationByShortcode(db: Db, accountId: number, shortcode: string): Promise<Evaluation | undefined> {
  return db.selectFrom('evaluations').selectAll().where('account_id', '=', accountId).where('shortcode', '=', shortcode).executeTakeFirst();
}

export async function listEvaluations(db: Db, accountId: number): Promise<Evaluation[]> {
  return db.selectFrom('evaluations').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

/** Evaluations used at a location: those linked to it, and its default evaluation. */
export async function listEvaluationsForLocation(db: Db, accountId: number, locationId: number): Promise<Evaluation[]> {
  const defaultId = (await findLocation(db, accountId, locationId))?.default_evaluation_id ?? null;
  return db
    .selectFrom('evaluations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where((eb) => {
      const linked = eb(
        'id',
        'in',
        eb.selectFrom('evaluation_locations').select('evaluation_id').where('account_id', '=', accountId).where('location_id', '=', locationId),
      );
      return defaultId === null ? linked : eb.or([linked, eb('id', '=', defaultId)]);
    })
    .orderBy('id')
    .execute();
}

/**
 * Deletes a survey, and with it every location's choice of it as their default; one that guests'
 * feedback or requests refer to is kept (409), never lost. Run inside a transaction, so a kept
 * survey keeps its locations' defaults too.
 */
export async function deleteEvaluation(db: Db, accountId: number, id: number): Promise<void> {
  await getEvaluation(db, accountId, id);
  await clearDefaultEvaluation(db, accountId, id);
  try {
    const result = await db.deleteFrom('evaluations').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('survey');
  } catch (err) {
    if (isForeignKeyViolation(err)) throw conflict('this survey has responses and cannot be deleted; change its questions instead');
    throw err;
  }
}

/** The location ids each evaluation is linked to. */
export async function evaluationLocationIds(db: Db, accountId: number, evaluationIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(evaluationIds.map((id) => [id, []]));
  if (evaluationIds.length === 0) return out;
  const rows = await db
    .selectFrom('evaluation_locations')
    .select(['evaluation_id', 'location_id'])
    .where('account_id', '=', accountId)
    .where('evaluation_id', 'in', evaluationIds)
    .orderBy('location_id')
    .execute();
  for (const row of rows) out.get(row.evaluation_id)?.push(row.location_id);
  return out;
}
