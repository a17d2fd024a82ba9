import { writeContext } from '../src/core/shared/write-context.js';
import { resolveArrival } from '../src/core/guests/identity.js';
import { addPoints } from '../src/core/loyalty/ledger.js';
import { signIn } from '../src/core/loyalty/membership.js';
import { hashPassword } from '../src/core/loyalty/passwords.js';
import { provisionLoyaltyAccess } from '../src/core/loyalty/provision.js';
import { answerParent, startBenchApp } from './bench-app.js';
import type { ReadyMessage } from './protocol.js';
import { sqlTimesReport, timeSqlStatements } from './sql-times.js';

/*
 * The app under test for bench/loyalty.ts, in its own process (bench-app.ts): BENCH_POOL members
 * of the bench account enrolled in the programme, each with a large balance to redeem from, and a
 * static Loyalty API token. BENCH_SQL_TIMES=1 prints the time of each SQL statement when it stops.
 */

export interface LoyaltyReadyMessage extends ReadyMessage {
  token: string;
  contactIds: number[];
}

const pool = Number(process.env.BENCH_POOL || 100);
const sqlTimes = process.env.BENCH_SQL_TIMES === '1';
if (sqlTimes) timeSqlStatements();
const { app, database, account, port } = await startBenchApp();
const passwordHash = await hashPassword('bench-password');
const contactIds: number[] = [];
await database.db.transaction().execute(async (trx) => {
  for (let i = 0; i < pool; i++) {
    const { guest } = await resolveArrival(writeContext(trx, account.id), {
      source: 'bench',
      fields: { firstName: 'Member', lastName: String(i), email: `member-${i}@example.com` },
    });
    await signIn(trx, account.id, guest, { passwordHash, sendActivationEmail: false, sendWelcomeEmail: false });
    await addPoints(trx, account.id, guest.id, { points: 100_000_000, levelPoints: 0, pointType: 0, concept: 'bench balance' });
    contactIds.push(guest.id);
  }
});
const { token } = await provisionLoyaltyAccess(database.db, account.id, 'bench-api');
answerParent(app, database, ['loyalty_operations', 'loyalty_lot_moves', 'jobs'], () => {
  if (sqlTimes) process.stderr.write(`${sqlTimesReport()}\n`);
});
process.send?.({ type: 'ready', port, token, contactIds } satisfies LoyaltyReadyMessage);
