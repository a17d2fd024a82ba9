import { inWriteTransaction } from '../../db/write-transaction.js';
import type { JobHandler } from '../jobs/job-worker.js';
import type { LoyaltyPointsJob } from '../journeys/rule-engine.js';
import { addPoints } from './ledger.js';
import { findMember } from './members.js';

/*
 * The rules' action "add loyalty points" (journeys/rule-engine.ts queues a job per firing). The
 * points and the job's progress are written in one transaction, so a retried job (a worker that
 * died after the commit) adds nothing twice. A guest who is not an enrolled member gets nothing:
 * the job ends, its progress saying so.
 */

interface Progress {
  done: true;
  outcome: string;
}

export const rulePointsJobHandler: JobHandler<LoyaltyPointsJob, Progress> = {
  async run({ job, payload, progress, db, saveProgress }) {
    if (progress?.done) return;
    await inWriteTransaction(db, async (trx) => {
      const member = await findMember(trx, job.account_id, payload.guestId);
      if (!member || member.enrolled_at === null) {
        await saveProgress(trx, { done: true, outcome: 'not added: the guest is not a loyalty member' });
        return;
      }
      const op = await addPoints(trx, job.account_id, payload.guestId, {
        points: payload.points,
        levelPoints: payload.points,
        concept: payload.concept,
        pointType: payload.pointType,
        actor: `rule:${payload.ruleId}`,
      });
      await saveProgress(trx, { done: true, outcome: `added: operation ${op.id}` });
    });
  },
};
