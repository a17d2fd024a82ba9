import type { Db } from '../../db/database.js';
import type { Loop, LoopActivity } from '../../db/schema.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import { accountSettings, getAccount } from '../accounts/accounts.js';
import type { JobHandler } from '../jobs/job-worker.js';
import { findLoopTypeByShortcode, listLoopTypes } from '../locations/loop-types.js';
import { writeContext, type WriteContext } from '../shared/write-context.js';
import { openLoop } from './loops.js';

/*
 * The rules' action "open a request" (journeys/fire-rules.ts). On a survey response (the default
 * follow-up rule, journeys/default-rules.ts) it runs in the response's transaction, so the face
 * answers with the loop; on any other trigger a job of RULE_REQUEST_JOB_KIND opens it after the
 * commit, once (its progress is written with the loop).
 */

export const RULE_REQUEST_JOB_KIND = 'requests.rule_request';

export interface RuleRequest {
  locationId: number;
  /** a loop type's shortcode; null: the account's responseLoopType, else "feedback", else its first */
  loopType: string | null;
  title: string;
  description: string;
  /** the guest the request is about, when known, with their contact details */
  guest: { id: number; name: string | null; email: string | null; mobile: string | null } | null;
  /** where it came from (the response's channel, or rule:<id>), kept as the loop's source and medium */
  source: string;
  deviceId?: string | null;
  answerDocumentId?: number | null;
  createdAt?: number;
}

/** The loop type of a rule's request: the one named, else the account's choice, else "feedback", else its first loop type. */
async function ruleLoopTypeId(db: Db, accountId: number, named: string | null): Promise<number | null> {
  const chosen = named ?? accountSettings(await getAccount(db, accountId)).responseLoopType;
  const loopType =
    (chosen ? await findLoopTypeByShortcode(db, accountId, chosen) : undefined) ??
    (await findLoopTypeByShortcode(db, accountId, 'feedback')) ??
    (await listLoopTypes(db, accountId))[0];
  return loopType?.id ?? null;
}

/** Opens the request a rule asks for, in the context's transaction. */
export async function openRuleRequest(ctx: WriteContext, input: RuleRequest): Promise<Loop & { activities: LoopActivity[] }> {
  const { guest } = input;
  const { loop, activity } = await openLoop(ctx, {
    locationId: input.locationId,
    loopTypeId: await ruleLoopTypeId(ctx.trx, ctx.accountId, input.loopType),
    creatorGuestId: guest?.id ?? null,
    creatorName: guest?.name ?? null,
    source: input.source,
    deviceId: input.deviceId ?? null,
    title: input.title,
    description: input.description,
    medium: input.source,
    answerDocumentId: input.answerDocumentId ?? null,
    createdAt: input.createdAt,
    contact: { email: guest?.email, sms: guest?.mobile },
  });
  return { ...loop, activities: [activity] };
}

interface Progress {
  loopId: number;
}

/** Opens a rule's request after the commit of its event; a retried job opens nothing twice. */
export const ruleRequestJobHandler: JobHandler<RuleRequest & { ruleId: number }, Progress> = {
  async run({ job, payload, progress, db, saveProgress }) {
    if (progress?.loopId) return;
    await inWriteTransaction(db, async (trx) => {
      const loop = await openRuleRequest(writeContext(trx, job.account_id, `rule:${payload.ruleId}`), payload);
      await saveProgress(trx, { loopId: loop.id });
    });
  },
};
