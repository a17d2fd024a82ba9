import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPON_SCOPES } from '../src/api/loopon/context.js';
import { createDemoLooponClient } from '../src/core/demo/demo-loopon-client.js';
import { ensureDemoAccount } from '../src/core/demo/seed-demo.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { describedRequest, sendAsCurl } from './helpers/curl.js';
import { dialects } from './helpers/database.js';
import { listenOnFreePort } from './helpers/raw-http.js';
import { documentedJson, readSpecExamples, shapeMismatches } from './helpers/spec-examples.js';

/*
 * Issue 11: every HTTP example of the Loop v1 (specs 000, 001) and Loopon (002) documents, exactly
 * as printed (test/fixtures/spec-examples.txt), sent as curl sends it to a listening server holding
 * `openstay demo`. Only the base URL (mapped to the face's prefix), the credentials and the
 * `<unitId>`-style placeholders change. Each answers 2xx with the document's shape, unless the
 * fixture names the passage of docs/compat.md that records why not.
 */

const examples = readSpecExamples(new URL('./fixtures/spec-examples.txt', import.meta.url).pathname);
const compat = fs.readFileSync(new URL('../docs/compat.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');

// The documents' base URLs and the faces' prefixes (README, "face ... mounted at").
const BASES: Array<[RegExp, string]> = [
  [/^https:\/\/[a-z]+\.blazeloop\.(net|com)(?=\/)/, '/loop'],
  [/^https:\/\/api\.loopon\.com(?=\/)/, '/loopon'],
  // "GET /units/1/evaluation/..." in the Loopon document: a path below its API base.
  [/^(?=\/units\/)/, '/loopon/public'],
];

// Where the document prints no sample answer, the shape Openstay documents (docs/compat.md).
const OPENSTAY_SHAPES: Record<string, unknown> = {
  'Get answer documents': {
    answerDocuments: [{ answerDocumentId: 0, unitId: 0, answers: [{ questionId: 0 }] }],
    questionSets: [{ questionSetId: 0, sections: [] }],
  },
  'Register Guest Stay: an access token': { token_type: 'Bearer', expires_in: 3600, access_token: '' },
  'Register a stay': {
    stayId: 0,
    unitId: 0,
    status: '',
    bookingReference: '',
    checkinDate: '',
    checkoutDate: '',
    room: '',
    guest: { guestId: 0, name: '', email: '', mobile: '' },
    url: '',
    chatSession: { sessionId: '', wssUrl: '' },
  },
};

describe.each(dialects())('the Loop and Loopon documents replayed verbatim on %s', (dialect) => {
  let t: TestApp;
  let port: number;
  let loopToken: string;
  let clientId: string;
  let clientSecret: string;
  /** a token with every scope of the demo client: the documents' `<token>` */
  let fullToken: string;
  /** the token the last replayed token example answered: the documents' `<ACCESS_TOKEN>` */
  let lastToken = '';
  let kattegatEvaluation: number;

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { demo: true });
    const demo = await ensureDemoAccount(t.database.db);
    loopToken = demo.loopToken;
    ({ clientId, clientSecret } = await createDemoLooponClient(t.database.db, demo.account.id, demo.looponUnits, LOOPON_SCOPES));
    const token = await t.app.inject({
      method: 'POST',
      url: '/loopon/oauth2/token',
      payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: LOOPON_SCOPES.join(' ') },
    });
    fullToken = token.json().access_token;
    const unit = await t.app.inject({ url: '/loopon/public/units/1204', headers: { authorization: `Bearer ${fullToken}` } });
    kattegatEvaluation = unit.json().defaultEvaluationId;
    port = await listenOnFreePort(t.app);
  });
  afterAll(async () => t?.close());

  const credentials = (word: string) =>
    word
      .replace(/authToken=(xxxx|OldtbksdhMus2qgApdnb)/, `authToken=${loopToken}`)
      .replace('<token>', fullToken)
      .replace(/<ACCESS_TOKEN>|eyJ0eXAi[\w.-]+/, lastToken)
      .replace('<CLIENT_ID>', clientId)
      .replace('<SHARED_SECRET>', clientSecret)
      .replace('<unitId>', '1204')
      .replace('<evaluationId>', String(kattegatEvaluation));

  it('the fixture holds the 24 HTTP examples of the three documents', () => {
    expect(examples.length).toBe(24);
    expect(new Set(examples.map((e) => e.document))).toEqual(new Set(['000_68036cc4dee02611.txt', '001_81eba4801b50f7aa.txt', '002_e6d4b7785c044256.txt']));
  });

  const specs = '/work/shared/specs';
  it.skipIf(!fs.existsSync(specs))('the fixture holds the documents` own text (needs the documents at /work/shared/specs)', () => {
    for (const example of examples) {
      const [, lines] = /:(\d+-\d+) /.exec(example.title) ?? [];
      const [from, to] = lines.split('-').map(Number);
      const text = fs
        .readFileSync(`${specs}/${example.document}`, 'utf8')
        .split('\n')
        .slice(from - 1, to)
        .join('\n');
      expect(example.request.trimEnd(), example.title).toBe(text.trimEnd());
    }
  });

  it.each(examples.map((e) => [e.title, e] as const))('%s', async (_title, example) => {
    const described = describedRequest(example.request, (word) => {
      let w = word;
      for (const [from, to] of example.placeholders) w = w.replace(from, to);
      return credentials(w);
    });
    const base = BASES.find(([pattern]) => pattern.test(described.url));
    expect(base, `a base URL of the documents in ${described.url}`).toBeDefined();
    const target = described.url.replace(base![0], base![1]);
    const headers = [...described.headers, ...example.headers.map(([n, v]) => [n, credentials(v)] as [string, string])];
    const res = await sendAsCurl(port, { method: described.method, target, headers, body: described.body });

    if (example.deviation) {
      expect(compat, 'docs/compat.md records the difference').toContain(example.deviation.compat.replace(/\s+/g, ' '));
      expect(res.status, res.body).toBe(example.deviation.status);
      return;
    }
    expect(res.status, res.body).toBeGreaterThanOrEqual(200);
    expect(res.status, res.body).toBeLessThan(300);
    const body = JSON.parse(res.body);
    const shape = example.response ? documentedJson(example.response) : Object.entries(OPENSTAY_SHAPES).find(([k]) => example.title.includes(k))?.[1];
    expect(shape, 'a documented shape').toBeDefined();
    expect(shapeMismatches(body, shape)).toEqual([]);
    if (example.sameValues) expect(shapeMismatches(body, shape, '$', true)).toEqual([]);
    if (typeof body.access_token === 'string') lastToken = body.access_token;
  });
});
