import { writeContext } from '../shared/write-context.js';
import type { Db } from '../../db/database.js';
import { resolveArrival } from '../guests/identity.js';
import { addPoints } from '../loyalty/ledger.js';
import { createLevel, listLevels } from '../loyalty/levels.js';
import { findMember } from '../loyalty/members.js';
import { signIn } from '../loyalty/membership.js';
import { hashPassword } from '../loyalty/passwords.js';
import { createProduct, listProducts } from '../loyalty/products.js';

/** The demo programme: levels by level points, the spec's example product, and two members with points. */
const LEVELS = [
  { name: 'Silver', minLevelPoints: 0 },
  { name: 'Gold', minLevelPoints: 1000 },
  { name: 'Platinum', minLevelPoints: 5000 },
];
const PRODUCTS = [
  {
    code: 'Repeater1',
    title: 'We are looking forward to having you with us again.',
    category: 2,
    points: 500,
    startDate: '2022-12-01',
    endDate: '2030-12-31',
    notifyAlertEmails: true,
  },
  { code: 'Spa1', title: 'Spa afternoon for two', category: 1, points: 1200, featured: true },
];
export const DEMO_MEMBERS = [
  { firstName: 'Pau', lastName: 'Serra', email: 'pserra@customia.com', language: 'es', points: 1500, password: 'UTendyE!?' },
  { firstName: 'Rick', lastName: 'Sanchez', email: 'rs@abc.com', language: 'en', points: 300, password: 'UTendyE!?' },
  // The guest of the demo's chat stay (seed-loopon-demo-stay.ts): her guest pages are `openstay demo`'s guestPages.
  { firstName: 'Anna', lastName: 'Lind', email: 'anna.lind@example.se', language: 'en', points: 2000, password: 'Kattegat-312' },
];

/** Fills in what of the loyalty demo the account lacks; safe to run again. */
export async function seedLoyaltyDemo(db: Db, accountId: number): Promise<void> {
  const hashes = await Promise.all(DEMO_MEMBERS.map((m) => hashPassword(m.password)));
  await db.transaction().execute(async (trx) => {
    const levels = await listLevels(trx, accountId);
    for (const level of LEVELS) if (!levels.some((l) => l.name === level.name)) await createLevel(trx, accountId, level);
    const { rows: products } = await listProducts(trx, accountId, { limit: 1000, offset: 0 });
    for (const product of PRODUCTS) if (!products.some((p) => p.code === product.code)) await createProduct(trx, accountId, product);
    for (const [i, m] of DEMO_MEMBERS.entries()) {
      const { guest } = await resolveArrival(writeContext(trx, accountId), {
        source: 'demo',
        fields: { firstName: m.firstName, lastName: m.lastName, email: m.email, language: m.language },
      });
      if ((await findMember(trx, accountId, guest.id))?.enrolled_at != null) continue;
      await signIn(trx, accountId, guest, { passwordHash: hashes[i], sendActivationEmail: false, sendWelcomeEmail: false, actor: 'system' });
      await addPoints(trx, accountId, guest.id, { points: m.points, levelPoints: m.points, pointType: 0, concept: 'welcome bonus', actor: 'system' });
    }
  });
}
