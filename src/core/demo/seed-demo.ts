import type { Db } from '../../db/database.js';
import type { Account } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { createAccount, findAccountBySlug } from '../accounts/accounts.js';
import { ensureDefaultRules, updateSettingsAndRules } from '../journeys/default-rules.js';
import { issueCredential } from '../accounts/credentials.js';
import { createEmployee, findEmployees } from '../accounts/employees.js';
import { createEvaluation, findEvaluationByShortcode } from '../feedback/evaluations.js';
import { currentQuestionSet, loadQuestionSetTrees } from '../feedback/question-sets.js';
import { resolveArrival } from '../guests/identity.js';
import { upsertContact } from '../contacts/upsert-contact.js';
import { createCustomField, findCustomFieldByShortcode } from '../locations/custom-fields.js';
import { createLocation, findLocationByShortcode } from '../locations/locations.js';
import { changeLoop } from '../requests/loop-changes.js';
import { createLoopType, findLoopTypeByShortcode } from '../locations/loop-types.js';
import { listLoopsOfGuest, openLoop } from '../requests/loops.js';
import * as demo from './demo-data.js';
import { seedLooponDemo, type LooponDemo } from './seed-loopon-demo.js';
import { writeContext } from '../shared/write-context.js';
import { seedDemoRules } from './seed-demo-rules.js';
import { keepDemoLoopIds, keepDemoLooponIds } from './demo-face-ids.js';

/** Integer ids of what the demo holds; the CLI renders them in each face's id format. */
export interface DemoIds {
  locations: Record<string, number>;
  loopTypes: Record<string, number>;
  customFields: Record<string, number>;
  survey: number;
  questions: number[];
  employee: number;
  contact: number;
  customer: number;
}

/**
 * Creates the demo account, or finds it again, and fills in whatever of the spec examples it
 * lacks (the Loop examples here, the Loopon chain in seed-loopon-demo.ts); then issues fresh tokens (earlier ones stay valid). Safe to run concurrently: a run that
 * loses a race on a unique key starts over and finds the other run's rows.
 */
export async function ensureDemoAccount(db: Db): Promise<{ account: Account; ids: DemoIds; looponUnits: LooponDemo; adminToken: string; loopToken: string }> {
  const seeded = await seedDemoAccount(db);
  const adminToken = await issueCredential(db, seeded.account.id, 'admin', 'openstay demo');
  const loopToken = await issueCredential(db, seeded.account.id, 'loop', 'openstay demo');
  return { ...seeded, adminToken, loopToken };
}

/** The demo account and its data, made or completed (see ensureDemoAccount), without issuing credentials. */
export async function seedDemoAccount(db: Db): Promise<{ account: Account; ids: DemoIds; looponUnits: LooponDemo }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => seed(trx));
    } catch (err) {
      const busy = (err as { code?: string })?.code?.startsWith('SQLITE_BUSY') || (err as { code?: string })?.code === '40001';
      if (attempt >= 5 || !(isUniqueViolation(err) || busy)) throw err;
    }
  }
}

async function seed(db: Db) {
  const account = (await findAccountBySlug(db, demo.DEMO_SLUG)) ?? (await createAccount(db, demo.DEMO_SLUG, demo.DEMO_NAME));
  const accountId = account.id;

  const locations: Record<string, number> = {};
  for (const l of demo.DEMO_LOCATIONS) {
    locations[l.shortcode] = ((await findLocationByShortcode(db, accountId, l.shortcode)) ?? (await createLocation(db, accountId, l))).id;
  }
  const loopTypes: Record<string, number> = {};
  for (const t of demo.DEMO_LOOP_TYPES) {
    loopTypes[t.shortcode] = ((await findLoopTypeByShortcode(db, accountId, t.shortcode)) ?? (await createLoopType(db, accountId, t.shortcode, t.title))).id;
  }
  await ensureDefaultRules(db, accountId);
  await updateSettingsAndRules(db, accountId, { responsesCreateLoops: true, responseLoopType: 'feedback', defaultCountry: demo.DEMO_COUNTRY });
  const customFields: Record<string, number> = {};
  for (const f of demo.DEMO_CUSTOM_FIELDS) {
    customFields[f.shortcode] = ((await findCustomFieldByShortcode(db, accountId, f.shortcode)) ?? (await createCustomField(db, accountId, f))).id;
  }

  const s = demo.DEMO_SURVEY;
  const survey =
    (await findEvaluationByShortcode(db, accountId, s.shortcode)) ??
    (await createEvaluation(db, accountId, { ...s, locationIds: s.locationShortcodes.map((code) => locations[code]) }));
  const set = await currentQuestionSet(db, accountId, survey.id);
  const [tree] = set ? await loadQuestionSetTrees(db, accountId, [set]) : [];
  const questions = (tree?.sections ?? []).flatMap((section) => section.questions.map((q) => q.id));

  const employee =
    (await findEmployees(db, accountId, { username: demo.DEMO_EMPLOYEE.username }))[0] ?? (await createEmployee(db, accountId, demo.DEMO_EMPLOYEE));

  const c = demo.DEMO_CONTACT;
  const { guest: contact } = await upsertContact(writeContext(db, accountId), {
    source: 'demo',
    key: { source: 'loop', value: c.foreignId },
    fields: c.guest,
    stay: { ...c.stay, locationId: locations[c.locationShortcode] },
  });

  const { guest: customer } = await resolveArrival(writeContext(db, accountId), { source: 'demo', fields: demo.DEMO_CUSTOMER });
  if ((await listLoopsOfGuest(db, accountId, customer.id)).length === 0) {
    const l = demo.DEMO_LOOP;
    const { loop } = await openLoop(writeContext(db, accountId), {
      locationId: locations[l.locationShortcode],
      loopTypeId: loopTypes[l.loopType],
      creatorGuestId: customer.id,
      creatorName: customer.name,
      source: l.source,
      medium: l.source,
      createDevice: l.createDevice,
      description: l.description,
      createdAt: l.createdAt,
      contact: { sms: customer.mobile },
    });
    await changeLoop(writeContext(db, accountId), loop.id, { viewed: true }, l.lastViewed);
  }

  const employee2 =
    (await findEmployees(db, accountId, { username: demo.DEMO_EMPLOYEE_2.username }))[0] ?? (await createEmployee(db, accountId, demo.DEMO_EMPLOYEE_2));
  const { guest: invited } = await resolveArrival(writeContext(db, accountId), { source: 'demo', fields: demo.DEMO_INVITED });
  await keepDemoLoopIds(db, accountId, {
    locations,
    customFields,
    survey: survey.id,
    questions,
    employees: { benria: employee.id, benria2: employee2.id },
    customer: customer.id,
    invited: invited.id,
  });

  const looponUnits = await seedLooponDemo(db, accountId);
  await keepDemoLooponIds(db, accountId, looponUnits.byExampleId);
  // Last, so that the demo's own stays and events welcome nobody.
  await seedDemoRules(db, accountId);

  const ids: DemoIds = { locations, loopTypes, customFields, survey: survey.id, questions, employee: employee.id, contact: contact.id, customer: customer.id };
  return { account, ids, looponUnits };
}
