import { inWriteTransaction } from '../../db/write-transaction.js';
import type { JobHandler } from '../jobs/job-worker.js';
import { EXPIRY_JOB_KIND, expireMemberLots, guestsWithDueLots } from './ledger.js';
import { lockMember } from './members.js';

export { EXPIRY_JOB_KIND };

/**
 * The scheduled expiry of lots: each earning schedules a job of its account at its expiry date;
 * a run expires every lot of the account due by then, one member per transaction (each locked as
 * a redemption locks it). Idempotent: a lot already expired or spent is not due any more.
 */
export const expiryJobHandler: JobHandler = {
  async run({ job, db, signal }) {
    const accountId = job.account_id;
    const now = Date.now();
    for (;;) {
      const guests = await guestsWithDueLots(db, accountId, now);
      if (guests.length === 0) return;
      for (const guestId of guests) {
        if (signal.aborted) throw signal.reason;
        await inWriteTransaction(db, async (trx) => {
          await lockMember(trx, accountId, guestId, now);
          await expireMemberLots(trx, accountId, guestId, now);
        });
      }
    }
  },
};
