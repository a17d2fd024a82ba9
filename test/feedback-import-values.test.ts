import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/core/accounts/accounts.js';
import { createEvaluation } from '../src/core/feedback/evaluations.js';
import { importAnswerDocuments } from '../src/api/imports/import-answer-documents.js';
import { createLocation } from '../src/core/locations/locations.js';
import { parseJsonLines } from '../src/api/imports/json-lines.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';

// Exports from PMSs and paper surveys carry values, not option ids: an NPS of 9 is the option "9".
describe.each(dialects())('importing scale answers by value on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  it('maps answerNumber to the option with that title, and refuses values no option has', async () => {
    const account = await createAccount(t.db, 'values');
    const unit = await createLocation(t.db, account.id, { title: { en: 'Harbour Hotel' }, propertyCode: 'H1' });
    await createEvaluation(t.db, account.id, {
      name: 'Stay',
      locationIds: [unit.id],
      sections: [{ questions: [{ type: 'radio', title: { en: 'How likely is it that you would recommend us?' }, semanticId: 0 }] }],
    });
    const lines = [
      { propertyCode: 'H1', source: 'poststay', checkoutDate: '2017-05-03', answers: [{ semanticId: 0, answerNumber: 9 }] },
      { propertyCode: 'H1', source: 'poststay', checkoutDate: '2017-05-03', answers: [{ semanticId: 0, answerNumber: 3 }] },
      { propertyCode: 'H1', source: 'poststay', checkoutDate: '2017-05-03', answers: [{ semanticId: 0, answerNumber: 11 }] },
    ];
    const result = await importAnswerDocuments(t.db, account.id, parseJsonLines(lines.map((l) => JSON.stringify(l)).join('\n')));
    expect(result.imported).toBe(2);
    expect(result.failed).toEqual([{ line: 3, error: expect.stringContaining('no option reads 11') }]);
    const rollup = await t.db.selectFrom('score_rollups').selectAll().where('account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(rollup).toMatchObject({ answer_count: 2, promoters: 1, detractors: 1, passives: 0 });
    expect(rollup.score_sum).toBeCloseTo(1.2);
  });
});
