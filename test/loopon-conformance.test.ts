import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPON_SCOPES } from '../src/api/loopon/context.js';
import { createDemoLooponClient } from '../src/core/demo/demo-loopon-client.js';
import { ensureDemoAccount } from '../src/core/demo/seed-demo.js';
import { dialects } from './helpers/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';

// Every example of the Loopon document, replayed against `openstay demo` data with only host,
// token changed: the demo keeps the document's unit ids (1203 is "Sea Hotels", 1204 "Sea Hotel Kattegat"...).
describe.each(dialects())('Loopon spec examples on %s', (dialect) => {
  let t: TestApp;
  let chatStay: { unitId: number; stayId: number };
  let clientId: string;
  let clientSecret: string;
  let bearer: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { demo: true });
    const demo = await ensureDemoAccount(t.database.db);
    chatStay = demo.looponUnits.chatStay;
    ({ clientId, clientSecret } = await createDemoLooponClient(t.database.db, demo.account.id, demo.looponUnits, LOOPON_SCOPES));
    const res = await t.app.inject({
      method: 'POST',
      url: '/loopon/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: LOOPON_SCOPES.join(' '),
      }).toString(),
    });
    bearer = { authorization: `Bearer ${res.json().access_token}` };
  });
  afterAll(async () => t?.close());

  const get = async (path: string) => {
    const res = await t.app.inject({ url: `/loopon/public${path}`, headers: bearer });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('Obtain access token using client credential grant', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/loopon/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${encodeURIComponent(clientSecret)}&scope=basic`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String) });
  });

  it('List all units: the Sea Hotels chain, its hotels and restaurant (the five of the example, no more)', async () => {
    const units = await get('/units');
    const expected = [
      ['Sea Hotels', ''],
      ['Sea Hotel Gulf of Bothnia', 'X01'],
      ['Sea Hotel Kattegat', 'X02'],
      ['Kattegat Gourmet Restaurant', ''],
      ['Sea Hotel Skagerrak', 'X03'],
    ];
    for (const [name, code] of expected) {
      expect(units).toContainEqual(expect.objectContaining({ unitId: expect.any(Number), propertyCode: code, name }));
    }
    expect(units).toHaveLength(expected.length);
  });

  it('Search for a unit based on property code', async () => {
    expect(await get('/units?propertyCode=X02')).toEqual([
      { unitId: 1204, propertyCode: 'X02', name: 'Sea Hotel Kattegat', defaultEvaluationId: expect.any(Number) },
    ]);
  });

  const scoreShape = {
    title: 'How likely is it that you would recommend our hotel?',
    score: expect.any(Number),
    normalizedScore: expect.any(Number),
    answerCount: expect.any(Number),
    promoterCount: expect.any(Number),
    passiveCount: expect.any(Number),
    detractorCount: expect.any(Number),
  };

  it.each(['/scores/0', '/scores/nps'])('Retrieve the NPS of the latest 30 days from all hotels in the chain (%s)', async (path) => {
    const body = await get(`/units/1203/evaluation${path}`);
    expect(body).toEqual(scoreShape);
    expect(body.answerCount).toBeGreaterThan(0);
    expect(body.promoterCount + body.passiveCount + body.detractorCount).toBe(body.answerCount);
    expect(body.score).toBe(Math.round(((body.promoterCount - body.detractorCount) / body.answerCount) * 100));
  });

  it.each(['/scores/0', '/scores/nps'])('Retrieve the NPS of Sea Hotel Kattegat for 2017 (%s)', async (path) => {
    const body = await get(`/units/1204/evaluation${path}?startDate=2017-01-01&endDate=2017-12-31`);
    expect(body).toEqual(scoreShape);
    expect(body.answerCount).toBeGreaterThan(0);
    const chain = await get(`/units/1203/evaluation${path}?startDate=2017-01-01&endDate=2017-12-31`);
    expect(chain.answerCount).toBeGreaterThan(body.answerCount);
  });

  it('Get answer documents received since a date with checkouts in an interval', async () => {
    const kattegat = (await get(`/units/1204`)).defaultEvaluationId;
    const body = await get(`/units/1204/evaluation/${kattegat}/answerDocuments?updatedMin=2019-01-01T00:00:00Z&checkoutMin=2019-05-01&checkoutMax=2019-05-02`);
    expect(body.answerDocuments.length).toBeGreaterThan(0);
    for (const doc of body.answerDocuments) expect(['2019-05-01', '2019-05-02']).toContain(doc.checkoutDate);
    const referenced = new Set(body.answerDocuments.flatMap((d: any) => d.answers.map((a: any) => a.questionId)));
    const included = new Set(body.questionSets.flatMap((s: any) => s.sections.flatMap((x: any) => x.questions.map((q: any) => q.questionId))));
    for (const id of referenced) expect(included).toContain(id);
    // A question set holds the survey "at that point in time": it existed before the answers.
    for (const doc of body.answerDocuments) {
      for (const answer of doc.answers) {
        const set = body.questionSets.find((qs: any) => qs.sections.some((x: any) => x.questions.some((q: any) => q.questionId === answer.questionId)));
        expect(Date.parse(set.created)).toBeLessThan(Date.parse(answer.received));
        if (set.superseded) expect(Date.parse(set.superseded)).toBeGreaterThan(Date.parse(answer.received));
      }
    }
  });

  it('Get the answers received in the last 24 hours (the default)', async () => {
    const body = await get(`/units/1203/evaluation/answerDocuments`);
    expect(body.answerDocuments.length).toBeGreaterThan(0);
    // Nothing in the demo was received after now, however recent its checkout.
    const all = await get(`/units/1203/evaluation/answerDocuments?checkoutMin=2000-01-01&checkoutMax=2100-01-01`);
    const latest = Math.max(...all.answerDocuments.flatMap((d: any) => [Date.parse(d.updated), ...d.answers.map((a: any) => Date.parse(a.received))]));
    expect(latest).toBeLessThanOrEqual(Date.now());
  });

  it('Reviews, review questions and reputation return data for the chain and a hotel', async () => {
    expect((await get(`/units/1204/review-questions`)).length).toBeGreaterThan(0);
    expect((await get(`/units/1203/reviews?from=2017-01-01&to=2017-12-31`)).length).toBeGreaterThan(0);
    const reputation = await get(`/units/1204/reputation?date=2017-12-31`);
    expect(reputation[0].result.score).toEqual(expect.any(Number));
    expect(reputation[0].competitiveSets[0].units.length).toBeGreaterThan(0);
  });

  it("Retrieve a stay's events: the demo's chatting guest, oldest first, messages as LooponKit decodes them", async () => {
    const events = await get(`/units/${chatStay.unitId}/stays/${chatStay.stayId}/events`);
    expect(events.map((e: any) => e.type)).toEqual(['guestConnect', 'chatMessage', 'chatMessage', 'chatMessage', 'guestDisconnect']);
    const created = events.map((e: any) => Date.parse(e.created));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    for (const e of events) expect(e.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const message = events[1];
    expect(Object.keys(message.chatMessage).sort()).toEqual([
      'author',
      'authorAvatarUrl',
      'authorName',
      'content',
      'contentType',
      'id',
      'localId',
      'media',
      'read',
      'updated',
      'url',
    ]);
    expect(message).toMatchObject({ sessionId: expect.any(String), chatMessage: { author: 'guest', contentType: 'text/plain', id: expect.any(Number) } });
    expect(await get(`/units/${chatStay.unitId}/stays/${chatStay.stayId}/events?pageId=1&pageSize=4`)).toHaveLength(1);
  });

  it('Register a stay with all information provided', async () => {
    const body = {
      name: 'Simon Finne',
      bookingReference: 'ExampleReference-001',
      email: 'simon.finne@loopon.com',
      mobile: '+46730442480',
      bookingDate: '2017-11-01',
      checkinDate: '2017-11-18',
      checkoutDate: '2017-11-29',
      room: '123',
      status: 'instay',
      stayCallback: { url: 'https://www.wowsify.com/api/stayUpdate', auth: 'basic', authToken: 'ExampleToken' },
    };
    // The document's curl sends JSON with curl's default form content type; both are read.
    for (const headers of [{ 'content-type': 'application/json' }, { 'content-type': 'application/x-www-form-urlencoded' }]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/loopon/public/units/1204/stays`,
        headers: { ...bearer, ...headers },
        payload: JSON.stringify(body),
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        stayId: expect.any(Number),
        unitId: 1204,
        status: 'instay',
        bookingReference: 'ExampleReference-001',
        checkinDate: '2017-11-18',
        checkoutDate: '2017-11-29',
        room: '123',
        guest: { guestId: expect.any(Number), name: 'Simon Finne', email: 'simon.finne@loopon.com', mobile: '+46730442480' },
        chatSession: { sessionId: expect.any(String), wssUrl: expect.stringMatching(/^wss?:\/\//), messengerRef: expect.any(String) },
      });
    }
  });
});
