import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyLinkPath } from '../src/core/accounts/survey-links.js';
import { createEvaluation } from '../src/core/feedback/evaluations.js';
import { currentQuestionSet, loadQuestionSetTrees } from '../src/core/feedback/question-sets.js';
import { createLocation } from '../src/core/locations/locations.js';
import { writeContext } from '../src/core/shared/write-context.js';
import { registerStay } from '../src/core/stays/register-stay.js';
import { inWriteTransaction } from '../src/db/write-transaction.js';
import type { Account } from '../src/db/schema.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';

// The survey page of a survey invitation: renders the current question set in the guest's
// language with every text escaped, stores one answer document per link with the link's source,
// guest and stay, refuses invalid answers (form kept, nothing stored) and forged links and forms,
// and offers a promoter the hotel's review links.

describe.each(dialects())('survey page on %s', (dialect) => {
  let t: TestApp;
  let account: Account;
  let adminToken: string;
  let surveyId: number;
  let locationId: number;
  let questions: { nps: number; rating: number; ratingOption: number; text: number; wifi: number; wifiOptions: number[] };
  const admin = adminCall(() => t);
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const created = await createTestAccount(t);
    account = created.account;
    adminToken = created.adminToken;
    const db = t.database.db;
    locationId = (await createLocation(db, account.id, { title: { en: 'Hotel <Sea> & Spa', sv: 'Hotell <Hav> & Spa' }, shortcode: 'sea' })).id;
    const survey = await createEvaluation(db, account.id, {
      name: 'Stay survey <b>',
      locationIds: [locationId],
      sections: [
        {
          title: { en: 'Recommendation' },
          questions: [{ type: 'radio', title: { en: 'Would you recommend us?', sv: 'Skulle du rekommendera oss?' }, semanticId: 0 }],
        },
        {
          title: { en: 'Details' },
          questions: [
            {
              type: 'radio',
              title: { en: 'Room <script>alert(1)</script>' },
              semanticId: 1,
              options: ['Poor', 'Fair', 'Good'].map((x, i) => ({ title: { en: x }, score: i / 2 })),
            },
            { type: 'checkbox', title: { en: 'What did you use?' }, options: [{ title: { en: 'Wi-Fi' } }, { title: { en: 'Spa' } }] },
            { type: 'text', title: { en: 'Anything else?' } },
          ],
        },
      ],
    });
    surveyId = survey.id;
    const set = await currentQuestionSet(db, account.id, survey.id);
    const [tree] = await loadQuestionSetTrees(db, account.id, set ? [set] : []);
    const [nps, rating, wifi, text] = tree.sections.flatMap((s) => s.questions);
    questions = {
      nps: nps.id,
      rating: rating.id,
      ratingOption: rating.options[2].id,
      text: text.id,
      wifi: wifi.id,
      wifiOptions: wifi.options.map((o) => o.id),
    };
    const patched = await admin(adminToken, 'PATCH', `/locations/${locationId}`, {
      reviewLinks: [
        { name: 'TripAdvisor', url: 'https://www.tripadvisor.com/Hotel_Review-sea' },
        { name: 'Google "Maps"', url: 'https://g.page/sea/review' },
      ],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().reviewLinks).toHaveLength(2);
  });
  afterAll(async () => t?.close());

  /** A guest with a stay at the hotel, and their signed survey link. */
  async function guestLink(opts: { language?: string; source?: string } = {}) {
    const i = ++n;
    const { stay, guest } = await inWriteTransaction(t.database.db, (trx) =>
      registerStay(
        writeContext(trx, account.id),
        locationId,
        {
          status: 'poststay',
          name: `Ana <i>${i}</i>`,
          email: `ana${i}-${dialect}@example.com`,
          language: opts.language ?? 'en',
          bookingReference: `R-${i}`,
          checkinDate: '2026-11-01',
          checkoutDate: '2026-11-03',
        },
        'test',
      ),
    );
    const path = surveyLinkPath(account.page_secret, { slug: account.slug, surveyId, guestId: guest.id, stayId: stay.id, source: opts.source ?? 'poststay' });
    return { path, guestId: guest.id, stayId: stay.id };
  }
  const formTokenOf = (html: string) => /name="form_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const post = (path: string, fields: Array<[string, string]>, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(fields).toString(),
    });
  const docsOf = (guestId: number) =>
    t.database.db.selectFrom('answer_documents').selectAll().where('account_id', '=', account.id).where('guest_id', '=', guestId).execute();

  it('renders the questions in the guest language, escaped, with labels, and no third-party request', async () => {
    const { path } = await guestLink({ language: 'sv-SE' });
    const res = await t.app.inject({ method: 'GET', url: path });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const html = res.body;
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain('Skulle du rekommendera oss?');
    expect(html).toContain('Skicka mina svar');
    expect(html).toContain('Hotell &lt;Hav&gt; &amp; Spa');
    expect(html).toContain('Room &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script');
    expect(html).toContain('Stay survey &lt;b&gt;');
    // 0-10 for the NPS question, three options, two checkboxes, a textarea with its label.
    expect(html.match(new RegExp(`name="q${questions.nps}"`, 'g'))).toHaveLength(11);
    expect(html).toContain(`<label for="q${questions.text}">`);
    expect(html).not.toMatch(/(src|href)="https?:\/\/(?!openstay\.test)/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    // Accept-Language when the guest has no language we speak.
    const fr = await t.app.inject({ method: 'GET', url: (await guestLink({ language: 'pt' })).path, headers: { 'accept-language': 'de;q=0.5, fr' } });
    expect(fr.body).toContain('<html lang="fr">');
    expect(fr.body).toContain('Envoyer mes réponses');
  });

  it('stores exactly one document with the link source, guest and stay; a second submit says already answered', async () => {
    const { path, guestId, stayId } = await guestLink({ source: 'instay' });
    const page = await t.app.inject({ method: 'GET', url: path });
    const token = formTokenOf(page.body);
    const npsOption = await t.database.db
      .selectFrom('question_options')
      .select(['id', 'title'])
      .where('question_id', '=', questions.nps)
      .orderBy('serial')
      .execute();
    const fields: Array<[string, string]> = [
      ['form_token', token],
      [`q${questions.nps}`, String(npsOption[7].id)],
      [`q${questions.rating}`, String(questions.ratingOption)],
      [`q${questions.wifi}`, String(questions.wifiOptions[0])],
      [`q${questions.wifi}`, String(questions.wifiOptions[1])],
      [`q${questions.text}`, 'Lovely <b>view</b>'],
    ];
    const res = await post(path, fields, { origin: 'http://openstay.test' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('Thank you!');
    // A passive (7): no review links.
    expect(res.body).not.toContain('tripadvisor');
    const docs = await docsOf(guestId);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      source: 'instay',
      stay_id: stayId,
      location_id: locationId,
      evaluation_id: surveyId,
      status: 'answered',
      reservation: expect.stringContaining('R-'),
    });
    const answers = await t.database.db.selectFrom('answers').selectAll().where('answer_document_id', '=', docs[0].id).execute();
    expect(answers).toHaveLength(4);
    expect(answers.find((a) => a.question_id === questions.text)?.text).toBe('Lovely <b>view</b>');
    expect(JSON.parse(answers.find((a) => a.question_id === questions.wifi)?.option_ids ?? '[]')).toEqual(questions.wifiOptions);
    // The same core path as every answer: the NPS rollup of the source counts it (a passive).
    const rollup = await t.database.db
      .selectFrom('score_rollups')
      .selectAll()
      .where('account_id', '=', account.id)
      .where('location_id', '=', locationId)
      .where('source', '=', 'instay')
      .where('semantic_id', '=', 0)
      .execute();
    expect(rollup.reduce((sum, r) => sum + Number(r.passives), 0)).toBe(1);

    const again = await post(path, fields);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('Already answered');
    const reopened = await t.app.inject({ method: 'GET', url: path });
    expect(reopened.body).toContain('Already answered');
    expect(reopened.body).not.toContain('<form');
    expect(await docsOf(guestId)).toHaveLength(1);
  });

  it('refuses invalid answers with a 400 page that keeps the form and shows the errors; nothing stored', async () => {
    const { path, guestId } = await guestLink();
    const token = formTokenOf((await t.app.inject({ method: 'GET', url: path })).body);
    const res = await post(path, [
      ['form_token', token],
      [`q${questions.rating}`, '999999'],
      [`q${questions.text}`, 'Kept <text>'],
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('Please answer this question.');
    expect(res.body).toContain('Please choose one of the options.');
    expect(res.body).toContain('>Kept &lt;text&gt;</textarea>');
    const tooLong = await post(path, [
      ['form_token', token],
      [`q${questions.nps}`, 'x'],
      [`q${questions.text}`, 'a'.repeat(4001)],
    ]);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('under 4000 characters');
    expect(await docsOf(guestId)).toHaveLength(0);
  });

  it('a tampered link is a 404; a form from another site or without its token is a 403; nothing stored', async () => {
    const { path, guestId } = await guestLink();
    for (const bad of [
      path.replace('source=poststay', 'source=prestay'),
      path.replace(/guest=\d+/, `guest=${guestId + 1}`),
      path.replace(/sig=[^&]+/, 'sig=AAAAAAAAAAAAAAAAAAAAAA'),
      path.replace(/&?sig=[^&]+/, ''),
    ]) {
      const res = await t.app.inject({ method: 'GET', url: bad });
      expect(res.statusCode, bad).toBe(404);
      expect(res.body).toContain('This link is not valid');
      expect((await post(bad, [[`q${questions.nps}`, '1']])).statusCode).toBe(404);
    }
    const token = formTokenOf((await t.app.inject({ method: 'GET', url: path })).body);
    const npsTen = await t.database.db
      .selectFrom('question_options')
      .select('id')
      .where('question_id', '=', questions.nps)
      .orderBy('serial', 'desc')
      .executeTakeFirstOrThrow();
    const fields: Array<[string, string]> = [[`q${questions.nps}`, String(npsTen.id)]];
    expect((await post(path, fields)).statusCode).toBe(403);
    expect((await post(path, [['form_token', `${Date.now()}.AAAAAAAAAAAAAAAAAAAAAA`], ...fields])).statusCode).toBe(403);
    expect((await post(path, [['form_token', token], ...fields], { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await post(path, [['form_token', token], ...fields], { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect(await docsOf(guestId)).toHaveLength(0);
  });

  it('a promoter (9-10) is thanked and offered the hotel review links, escaped', async () => {
    const { path, guestId } = await guestLink({ language: 'es' });
    const token = formTokenOf((await t.app.inject({ method: 'GET', url: path })).body);
    const options = await t.database.db.selectFrom('question_options').select('id').where('question_id', '=', questions.nps).orderBy('serial').execute();
    const res = await post(path, [
      ['form_token', token],
      [`q${questions.nps}`, String(options[9].id)],
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('¡Gracias!');
    expect(res.body).toContain('href="https://www.tripadvisor.com/Hotel_Review-sea"');
    expect(res.body).toContain('Escribir una opinión en Google &#34;Maps&#34;');
    expect(res.body).toContain('rel="noopener noreferrer"');
    expect(await docsOf(guestId)).toHaveLength(1);
  });

  it('review links are checked by the admin API (absolute http(s) only) and cleared with null', async () => {
    const bad = await admin(adminToken, 'PATCH', `/locations/${locationId}`, { reviewLinks: [{ name: 'x', url: 'javascript:alert(1)' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('reviewLinks[0].url');
    const other = (await createLocation(t.database.db, account.id, { title: { en: 'Other' } })).id;
    const cleared = await admin(adminToken, 'PATCH', `/locations/${other}`, { reviewLinks: null });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().reviewLinks).toEqual([]);
  });
});
