import type { Db } from '../../db/database.js';
import type { Loop, LoopActivity } from '../../db/schema.js';
import { accountSettings, getAccount } from '../accounts/accounts.js';
import { findLoopTypeByShortcode, listLoopTypes } from '../locations/loop-types.js';
import { openLoop } from './loops.js';
import type { WriteContext } from '../shared/write-context.js';

/** A survey response just stored, as the follow-up loop needs it. */
export interface SurveyResponse {
  locationId: number;
  answerDocumentId: number;
  /** the guest who answered, when known */
  guest?: { id: number; name: string | null; email: string | null; mobile: string | null };
  /** where it came from (kiosk, tablet, app...), kept as the loop's source and medium */
  channel: string;
  deviceId?: string | null;
  /** when it was given (epoch ms); default now */
  receivedAt?: number;
  /** the free-text answers, in order; they become the loop's description */
  texts: Array<string | null>;
}

/** The loop type of follow-up loops: the account's choice, else "feedback", else its first loop type. */
async function followUpLoopTypeId(db: Db, accountId: number, chosen: string | undefined): Promise<number | null> {
  const loopType =
    (chosen ? await findLoopTypeByShortcode(db, accountId, chosen) : undefined) ??
    (await findLoopTypeByShortcode(db, accountId, 'feedback')) ??
    (await listLoopTypes(db, accountId))[0];
  return loopType?.id ?? null;
}

/**
 * Opens the loop a survey response asks staff to follow up, when the account says responses do
 * (settings.responsesCreateLoops), and returns it; undefined when the account does not. Every face
 * that stores survey responses calls this in the transaction that stored the response.
 */
export async function openSurveyResponseLoop(ctx: WriteContext, response: SurveyResponse): Promise<(Loop & { activities: LoopActivity[] }) | undefined> {
  const { trx: db, accountId } = ctx;
  const settings = accountSettings(await getAccount(db, accountId));
  if (!settings.responsesCreateLoops) return undefined;
  const texts = response.texts.filter((t): t is string => Boolean(t?.trim()));
  const { guest } = response;
  const { loop, activity } = await openLoop(ctx, {
    locationId: response.locationId,
    loopTypeId: await followUpLoopTypeId(db, accountId, settings.responseLoopType),
    creatorGuestId: guest?.id ?? null,
    creatorName: guest?.name ?? null,
    source: response.channel,
    deviceId: response.deviceId ?? null,
    title: 'Survey response',
    description: texts.length ? texts.join('\n') : 'Survey response received',
    medium: response.channel,
    answerDocumentId: response.answerDocumentId,
    createdAt: response.receivedAt,
    contact: { email: guest?.email, sms: guest?.mobile },
  });
  return { ...loop, activities: [activity] };
}
