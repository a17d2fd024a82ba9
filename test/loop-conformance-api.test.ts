import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoIds } from '../src/core/demo/seed-demo.js';
import { decodeId, type LoopIdKind } from '../src/api/loop-v1/ids.js';
import { dialects } from './helpers/database.js';
import type { TestApp } from './helpers/app.js';
import { createLoopDemoApp, demoShownId, loopCall } from './helpers/loop.js';

/*
 * Spec 001 (Loop V1 REST API): every curl example replayed with its body against the demo
 * account. Examples whose body the scraped document lost (create a loop, create an employee) are
 * built from the documented field list.
 */

const HEX24 = /^[0-9a-f]{24}$/;
const hex = expect.stringMatching(HEX24);

describe.each(dialects())('Loop v1 conformance, spec 001 REST API (%s)', (dialect) => {
  let t: TestApp;
  let token: string;
  let ids: DemoIds;
  let roomFieldId: string;

  beforeAll(async () => {
    ({ t, token, ids } = await createLoopDemoApp(dialect));
    roomFieldId = shown('customfield', ids.customFields.room);
  });
  afterAll(async () => t?.close());

  // The id the face shows: the document's own for the objects the demo keeps them for.
  const shown = (kind: LoopIdKind, id: number) => demoShownId(ids, kind, id);
  const get = (pathAndQuery: string) => loopCall(t, token, 'GET', pathAndQuery);
  const post = (path: string, body: unknown) => loopCall(t, token, 'POST', path, body);
  const ok = (res: { statusCode: number; body: string }) => {
    expect(res.statusCode, res.body).toBe(200);
    return JSON.parse(res.body);
  };

  it('Authentication: GET /locations?authToken= lists the locations with coords', async () => {
    const body = ok(await t.app.inject({ method: 'GET', url: `/loop/api/v1/locations?authToken=${token}` }));
    expect(Object.keys(body)).toEqual(['locations']);
    const byCode = Object.fromEntries(body.locations.map((l: any) => [l.shortcode, l]));
    expect(byCode['1300']).toMatchObject({
      id: shown('location', ids.locations['1300']),
      shortcode: '1300',
      title: { en: 'Andros Island Bahamas' },
      coords: { latitude: 45.349429, longitude: -75.9248028 },
    });
    expect(byCode['1200']).toMatchObject({ id: hex, shortcode: '1200', title: { en: 'Costa Rica Salinas Bay' } });
    expect(byCode['1200'].coords).toBeUndefined(); // no coordinates configured, none sent
  });

  it('Retrieving Specific Location: GET /locations/1300', async () => {
    const body = ok(await get('locations/1300'));
    expect(body).toMatchObject({
      id: shown('location', ids.locations['1300']),
      shortcode: '1300',
      title: { en: 'Andros Island Bahamas' },
      coords: { latitude: 45.349429, longitude: -75.9248028 },
    });
  });

  it('Loop Types: GET /looptypes', async () => {
    const body = ok(await get('looptypes'));
    expect(body.looptypes.length).toBe(4);
    for (const type of body.looptypes) expect(type).toEqual({ id: hex, shortcode: expect.any(String), title: { en: expect.any(String) } });
    expect(body.looptypes.find((l: any) => l.shortcode === 'housekeeping').id).toBe(shown('looptype', ids.loopTypes.housekeeping));
  });

  it('Custom Fields: GET /customfields and GET /customfields/room', async () => {
    const list = ok(await get('customfields'));
    const room = ok(await get('customfields/room'));
    expect(room).toEqual({ id: hex, shortcode: 'room', title: { en: 'Room Number' }, required: true });
    expect(list.customfields).toEqual([room]);
    expect(room.id).toBe(roomFieldId);
  });

  it('Loop Lookup: GET /loops?customer= lists the customer loops', async () => {
    const customer = shown('guest', ids.customer);
    const body = ok(await get(`loops?customer=${customer}`));
    expect(body.loops).toHaveLength(1);
    const loop = body.loops[0];
    expect(loop).toMatchObject({
      id: hex,
      description: "I've run out of towels! Please help!",
      summary: '300 Earl Grey Dr',
      state: 'open',
      creatorId: customer,
      creatorLoopCount: 1,
      contactable: true,
      unread: expect.any(Boolean),
      loopMedium: 'sms',
      createDevice: expect.stringMatching(/^browser:Mozilla\/5\.0 \(Macintosh/),
      created_on: 1462201128558,
      updated_on: expect.any(Number),
      location: {
        id: shown('location', ids.locations['1100']),
        title: '300 Earl Grey Dr',
        timezone: 'America/Toronto',
        geo: [-75.9154844, 45.311854],
        country: 'CA',
        state: 'ON',
        city: 'Kanata',
        zipCode: 'K2T 1B8',
        street_name: 'Earl Grey Dr',
        street_number: '300',
      },
    });
    expect(loop.lastViewed === null || typeof loop.lastViewed === 'number').toBe(true);
    expect(loop.activities).toEqual([
      {
        id: hex,
        type: 'open',
        date: 1462201128558,
        data: { date: 1462201128558, sms: '+16135551234', description: "I've run out of towels! Please help!" },
        loop: loop.id,
        system: false,
        automated: false,
        confirmed: true,
        person: { name: 'Jason', type: 'customer', id: customer },
      },
    ]);
  });

  it('Users Lookup: GET /users/?authToken=xxxx&sms=”5556135555” (quotes as in the document)', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/loop/api/v1/users/?authToken=${token}&sms=${encodeURIComponent('”5556135555”')}` });
    const body = ok(res);
    // The document's answer, ids included: both users share the sms.
    expect(body.users).toEqual([
      {
        username: 'benria',
        name: 'Benbria Admin',
        id: '4fc7769576ca50ce2c000012',
        permissions: ['create', 'comment', 'close'],
        locations: [],
        sms: '5556135555',
        email: 'admin@benbria.com',
      },
      { username: 'benria2', name: 'Benbria Admin', id: '5c87769576ca50ce2c987659', permissions: [], locations: [], sms: '5556135555', email: '' },
    ]);
  });

  it('Generate Invite URL: POST /invite/url', async () => {
    const body = ok(await post('invite/url', { locationId: shown('location', ids.locations['1300']), name: 'John Smith', email: 'johnsmith@benbria.com' }));
    expect(Object.keys(body).sort()).toEqual(['guestId', 'url']);
    // John Smith is the demo's guest the document shows: his id is the document's.
    expect(body.guestId).toBe('4fc7769576ca50ce2c000012');
    expect(body.url).toMatch(/^http:\/\/openstay\.test\/loop\/p\/demo\/create\/1300\?_uid=[0-9a-f]{24}&sig=/);
    expect(new URL(body.url).searchParams.get('_uid')).toBe(body.guestId);
  });

  it('Surveys: GET /surveys lists the restaurant survey with its 4 questions', async () => {
    const body = ok(await get('surveys'));
    // The demo also holds the Loopon chain's surveys (one model); the Loop example is `restaurant`.
    expect(body.surveys.map((s: any) => s.shortcode)).toContain('restaurant');
    const survey = body.surveys.find((s: any) => s.shortcode === 'restaurant');
    expect(survey).toMatchObject({ id: shown('survey', ids.survey), shortCode: 'restaurant', questionOrderRandomization: true });
    expect(survey.questions).toEqual([
      { categoryId: shown('question', ids.questions[0]), type: 'bool', text: { en: 'Was the service swift?' } },
      { categoryId: shown('question', ids.questions[1]), type: 'bool', text: { en: 'Was the food fantastic?' } },
      { categoryId: shown('question', ids.questions[2]), type: 'bool', text: { en: 'Was the counter clean?' } },
      { categoryId: shown('question', ids.questions[3]), type: 'text', text: { en: 'What else should we know?' }, placeholder: { en: 'Type here!' } },
    ]);
  });

  it('Retrieve a specific survey by its shortcode: GET /surveys/restaurant', async () => {
    const body = ok(await get('surveys/restaurant'));
    expect(body).toMatchObject({ id: shown('survey', ids.survey), shortCode: 'restaurant', shortcode: 'restaurant' });
    expect(body.questions.map((q: any) => q.type)).toEqual(['bool', 'bool', 'bool', 'text']);
  });

  it('Retrieving By Location: GET /surveys?location=1300', async () => {
    const body = ok(await get('surveys?location=1300'));
    expect(body.surveys).toHaveLength(1);
    expect(body.surveys[0]).toMatchObject({
      id: shown('survey', ids.survey),
      shortcode: 'restaurant',
      description: 'Survey for sit-down restaurant locations',
      questionOrderRandomized: true,
    });
    expect(body.surveys[0].questions).toHaveLength(4);
    // a location the survey is not offered at has none
    expect(ok(await get('surveys?location=1200')).surveys).toEqual([]);
  });

  it('Create a Response: POST /responses returns id, and loopId with loopUrl (responsesCreateLoops)', async () => {
    const [q1, q2, q3, q4] = ids.questions.map((id) => shown('question', id));
    const body = ok(
      await post('responses', {
        source: 'kiosk',
        deviceId: 'Front Desk Station 2',
        location: shown('location', ids.locations['1300']),
        responses: [
          { categoryId: q1, value: true },
          { categoryId: q2, value: false },
          { categoryId: q3, value: true },
          { categoryId: q4, value: 'Your bacon is the best!' },
        ],
        timestamp: '2015-04-14T22:33:36.164Z',
      }),
    );
    expect(body).toEqual({ id: hex, loopId: hex, loopUrl: expect.stringMatching(/^http:\/\/openstay\.test\/loop\/p\/demo\/loops\//) });
    expect(body.loopUrl).toContain(body.loopId);
    expect(body.id).not.toBe(body.loopId);
  });

  const createLoop = (timestamp: string, email: string, sms: string) =>
    post('loops', {
      source: 'kiosk',
      deviceId: 'Room 4101 smart clock',
      location: shown('location', ids.locations['1300']),
      loopType: shown('looptype', ids.loopTypes.housekeeping),
      customFields: [{ [roomFieldId]: '4101' }],
      title: 'Towels',
      description: "I've run out of towels! Please help!",
      timestamp,
      user: { name: 'Morty Smith', email, sms },
    });

  for (const [format, timestamp, ms, sms] of [
    ['RFC 2822', 'Thu, 05 May 2016 14:58:48 +0000', Date.UTC(2016, 4, 5, 14, 58, 48), '16135550001'],
    ['ISO 8601', '2016-05-05T14:58:48.650Z', Date.UTC(2016, 4, 5, 14, 58, 48, 650), '16135550002'],
  ] as const) {
    it(`Create a Loop (timestamp in ${format}), then look it up by the user's guest id`, async () => {
      const email = `morty-${format.replace(/\W/g, '').toLowerCase()}@example.com`;
      const created = ok(await createLoop(timestamp, email, sms));
      expect(Object.keys(created).sort()).toEqual(['id', 'url']);
      expect(created.id).toMatch(HEX24);
      expect(created.url).toMatch(new RegExp(`^http://openstay\\.test/loop/p/demo/loops/${created.id}\\?sig=`));

      const users = ok(await get(`users?email=${encodeURIComponent(email)}`)).users;
      expect(users).toHaveLength(1);
      // Stored in E.164: the demo account reads national numbers in Canada (defaultCountry CA).
      expect(users[0]).toMatchObject({ id: hex, name: 'Morty Smith', email, sms: `+${sms}` });

      const loops = ok(await get(`loops?customer=${users[0].id}`)).loops;
      expect(loops).toHaveLength(1);
      expect(loops[0]).toMatchObject({
        id: created.id,
        title: 'Towels',
        description: "I've run out of towels! Please help!",
        creatorId: users[0].id,
        created_on: ms,
        location: { id: shown('location', ids.locations['1300']), title: 'Andros Island Bahamas' },
      });
      expect(loops[0].activities[0]).toMatchObject({ type: 'open', date: ms, person: { type: 'customer', id: users[0].id, name: 'Morty Smith' } });
      const row = await t.database.db.selectFrom('loops').select('custom_fields').where('id', '=', decodeId('loop', created.id)!).executeTakeFirstOrThrow();
      expect(JSON.parse(row.custom_fields)).toEqual({ room: '4101' });
    });
  }

  it('Create Employee User Account: POST /users, then GET /users?username=', async () => {
    const location = shown('location', ids.locations['1300']);
    const created = ok(
      await post('users', {
        username: 'summer',
        name: 'Summer Smith',
        email: 'summer@example.com',
        sms: '16135559999',
        permissions: ['create', 'comment'],
        locations: [location],
      }),
    );
    expect(created).toEqual({ status: 'Success', id: hex });
    const body = ok(await get('users?username=summer'));
    expect(body.users).toEqual([
      {
        username: 'summer',
        name: 'Summer Smith',
        id: created.id,
        permissions: ['create', 'comment'],
        locations: [location],
        sms: '16135559999',
        email: 'summer@example.com',
      },
    ]);
  });

  it('never answered with a 500', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    const errors = t.logs.map((l) => JSON.parse(l)).filter((l) => l.level >= 50 || l.res?.statusCode >= 500);
    expect(errors).toEqual([]);
  });
});
