import type { Db } from '../../db/database.js';
import type { AnswerDocument } from '../../db/schema.js';
import type { WriteContext } from '../shared/write-context.js';
import { createAnswerDocument, findAnswerDocumentByExternalId, type AnswerInput } from './answer-documents.js';
import { evaluationLocationIds } from './evaluations.js';
import type { FeedbackSource } from './vocabulary.js';

/*
 * Answers given through a survey invitation's link (the survey page). A link is answered once:
 * the document it writes is keyed by the link (the survey, guest, stay and source it names; an
 * answer_documents external id, unique per account), so a second submit, or two at once, finds
 * the first document instead of writing another. The document goes through createAnswerDocument
 * like every other (score rollups, feedback.received and the rules that follow it).
 */

/** What of a survey link identifies its answer. */
export interface SurveyLinkKey {
  surveyId: number;
  guestId: number;
  stayId: number | null;
  source: string;
}

const externalIdOf = (key: SurveyLinkKey) => `survey-link:${key.surveyId}:${key.guestId}:${key.stayId ?? ''}:${key.source}`;

/** The document a link's answer wrote, if it was answered. */
export function surveyLinkAnswer(db: Db, accountId: number, key: SurveyLinkKey): Promise<AnswerDocument | undefined> {
  return findAnswerDocumentByExternalId(db, accountId, externalIdOf(key));
}

/**
 * Where a link's answer is filed: the stay's location when the survey runs there, else the first
 * location the survey runs at; undefined when the survey runs nowhere (nothing can be filed).
 */
export async function surveyLinkLocation(db: Db, accountId: number, surveyId: number, stayLocationId: number | null): Promise<number | undefined> {
  const locations = (await evaluationLocationIds(db, accountId, [surveyId])).get(surveyId) ?? [];
  if (stayLocationId !== null && locations.includes(stayLocationId)) return stayLocationId;
  return locations[0];
}

export interface SurveyLinkAnswerInput extends SurveyLinkKey {
  source: FeedbackSource;
  locationId: number;
  guestName: string | null;
  guestEmail: string | null;
  reservation: string | null;
  checkinDate: string | null;
  checkoutDate: string | null;
  answers: AnswerInput[];
}

/**
 * Stores the answer of a survey link, once: `{ document, created: false }` when the link was
 * already answered (nothing written). A concurrent first answer loses on the unique key (a 409
 * from createAnswerDocument) and the caller reads the winner with surveyLinkAnswer.
 */
export async function answerSurveyLink(ctx: WriteContext, input: SurveyLinkAnswerInput): Promise<{ document: AnswerDocument; created: boolean }> {
  const existing = await surveyLinkAnswer(ctx.trx, ctx.accountId, input);
  if (existing) return { document: existing, created: false };
  const { document } = await createAnswerDocument(ctx, {
    locationId: input.locationId,
    evaluationId: input.surveyId,
    source: input.source,
    guestId: input.guestId,
    stayId: input.stayId,
    guestName: input.guestName,
    guestEmail: input.guestEmail,
    reservation: input.reservation,
    checkinDate: input.checkinDate,
    checkoutDate: input.checkoutDate,
    channel: 'web',
    status: 'answered',
    externalId: externalIdOf(input),
    answers: input.answers,
  });
  return { document, created: true };
}
