import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoIds } from '../src/core/demo/seed-demo.js';
import { decodeId, encodeId } from '../src/api/loop-v1/ids.js';
import { dialects } from './helpers/database.js';
import type { TestApp } from './helpers/app.js';
import { createLoopDemoApp, loopCall } from './helpers/loop.js';

/*
 * One person = one guest across Contact, loops and invites; the URLs we hand out open our own
 * guest pages; Loop's lenient routing (path case, trailing slash) and tolerant survey values.
 */

describe.each(dialects())('Loop v1 guests, links and routing (%s)', (dialect) => {
  let t: TestApp;
  let token: string;
  let ids: DemoIds;
  let location: string;

  beforeAll(async () => {
    ({ t, token, ids } = await createLoopDemoApp(dialect));
    location = encodeId('location', ids.locations['1300']);
  });
  afterAll(async () => t?.close());

  const post = (path: string, body: unknown) => loopCall(t, token, 'POST', path, body);
  const ok = (res: { statusCode: number; body: string }) => {
    expect(res.statusCode, res.body).toBe(200);
    return JSON.parse(res.body);
  };
  const pathOf = (url: string) => {
    const u = new URL(url);
    expect(u.origin).toBe('http://openstay.test');
    return u.pathname + u.search;
  };
  const createLoop = (user: Record<string, string>) =>
    post('loops', { source: 'mobile', location, loopType: 'housekeeping', description: 'More pillows, please', user });
  const guestCount = async () => (await t.database.db.selectFrom('guests').select('id').execute()).length;

  it('a loop user with the e-mail of a Contact is that same guest', async () => {
    const contact = ok(await post('Contact', { foreignId: 'same-1', firstname: 'Squanchy', email: 'squanchy@example.com' })).id;
    const count = await guestCount();
    const loop = ok(await createLoop({ name: 'Squanchy', email: 'SQUANCHY@example.com' }));
    expect(await guestCount()).toBe(count);
    const row = await t.database.db.selectFrom('loops').selectAll().where('id', '=', decodeId('loop', loop.id)!).executeTakeFirstOrThrow();
    expect(row.creator_guest_id).toBe(decodeId('guest', contact));
    const loops = ok(await t.app.inject({ method: 'GET', url: `/loop/api/v1/loops?customer=${contact}&authToken=${token}` })).loops;
    expect(loops.map((l: any) => l.id)).toEqual([loop.id]);
  });

  it('a loop user with the mobile of a Contact (no e-mail) is that same guest too', async () => {
    const contact = ok(await post('Contact', { foreignId: 'same-2', firstname: 'Birdperson', mobile: '16135557777' })).id;
    const loop = ok(await createLoop({ sms: '16135557777' }));
    const row = await t.database.db.selectFrom('loops').selectAll().where('id', '=', decodeId('loop', loop.id)!).executeTakeFirstOrThrow();
    expect(row.creator_guest_id).toBe(decodeId('guest', contact));
  });

  it('invite/url with an existing e-mail reuses the guest and overwrites the custom fields sent', async () => {
    const contact = ok(await post('Contact', { foreignId: 'inv-1', email: 'unity@example.com', customFields: [{ guestID: 'old' }, { loyalty: 'keep' }] })).id;
    const count = await guestCount();
    const invite = ok(await post('invite/url', { locationId: location, name: 'Unity', email: 'unity@example.com', customFields: [{ guestID: 'new' }] }));
    expect(invite.guestId).toBe(contact);
    expect(await guestCount()).toBe(count);
    const row = await t.database.db.selectFrom('guests').selectAll().where('id', '=', decodeId('guest', contact)!).executeTakeFirstOrThrow();
    expect(JSON.parse(row.custom_fields)).toEqual({ guestID: 'new', loyalty: 'keep' });
    expect(row.name).toBe('Unity');
  });

  it('invite/url with neither name, e-mail nor sms creates no guest and returns a generic url', async () => {
    const count = await guestCount();
    const generic = ok(await post('invite/url', {}));
    expect(Object.keys(generic)).toEqual(['url']);
    // generic links are signed too (test/guest-pages-security.test.ts has the rest)
    expect(generic.url).toMatch(/^http:\/\/openstay\.test\/loop\/p\/demo\/create\/any\?sig=[\w-]{22}$/);
    const atLocation = ok(await post('invite/url', { locationId: location }));
    expect(Object.keys(atLocation)).toEqual(['url']);
    expect(atLocation.url).toMatch(/^http:\/\/openstay\.test\/loop\/p\/demo\/create\/1300\?sig=[\w-]{22}$/);
    expect(await guestCount()).toBe(count);

    const page = await t.app.inject({ method: 'GET', url: pathOf(generic.url) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('Andros Island Bahamas');
    expect(page.body).toContain('Costa Rica Salinas Bay');
  });

  it('the invite url opens our invite page for the guest; a tampered signature is a 404', async () => {
    const invite = ok(await post('invite/url', { locationId: location, name: 'Mr Poopybutthole', email: 'poopy@example.com' }));
    const page = await t.app.inject({ method: 'GET', url: pathOf(invite.url) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('Hello Mr Poopybutthole');
    expect(page.body).toContain('Andros Island Bahamas');

    const u = new URL(invite.url);
    const sig = u.searchParams.get('sig')!;
    u.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    const tampered = await t.app.inject({ method: 'GET', url: u.pathname + u.search });
    expect(tampered.statusCode).toBe(404);
    expect(tampered.headers['content-type']).toMatch(/^text\/html/);
    // another guest's id under this signature is refused too
    const other = new URL(invite.url);
    other.searchParams.set('_uid', encodeId('guest', ids.contact));
    expect((await t.app.inject({ method: 'GET', url: other.pathname + other.search })).statusCode).toBe(404);
    // unknown account slug or location, or no signature
    expect((await t.app.inject({ method: 'GET', url: `/loop/p/nobody/create/any?sig=${sig}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/loop/p/demo/create/9999?_uid=${u.searchParams.get('_uid')}&sig=${sig}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/loop/p/demo/create/any' })).statusCode).toBe(404);
  });

  it('the loop url opens our loop page; a tampered signature or a foreign id is a 404', async () => {
    const loop = ok(await createLoop({ name: 'Tammy', email: 'tammy@example.com' }));
    const page = await t.app.inject({ method: 'GET', url: pathOf(loop.url) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('More pillows, please');

    const u = new URL(loop.url);
    u.searchParams.set('sig', 'x'.repeat(22));
    expect((await t.app.inject({ method: 'GET', url: u.pathname + u.search })).statusCode).toBe(404);
    const noSig = await t.app.inject({ method: 'GET', url: u.pathname });
    expect(noSig.statusCode).toBe(404);
    const malformed = await t.app.inject({ method: 'GET', url: `/loop/p/demo/loops/not-an-id?sig=${new URL(loop.url).searchParams.get('sig')}` });
    expect(malformed.statusCode).toBe(404);
  });

  it('the loopUrl of a survey response opens our loop page', async () => {
    const [q1, , , q4] = ids.questions.map((id) => encodeId('question', id));
    const res = ok(
      await post('responses', {
        source: 'kiosk',
        location,
        responses: [
          { categoryId: q1, value: 'true' },
          { categoryId: q4, value: 'Lovely' },
        ],
      }),
    );
    const page = await t.app.inject({ method: 'GET', url: pathOf(res.loopUrl) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it('a survey response with a bool value sent as the string "true" is accepted and stored as yes', async () => {
    const [q1, q2] = ids.questions.map((id) => encodeId('question', id));
    const res = ok(
      await post('responses', {
        location: '1300',
        responses: [
          { categoryId: q1, value: 'true' },
          { categoryId: q2, value: 'false' },
        ],
      }),
    );
    expect(res.id).toMatch(/^[0-9a-f]{24}$/);
    const answers = await t.database.db
      .selectFrom('answers')
      .innerJoin('question_options', 'question_options.id', 'answers.option_id')
      .select(['answers.question_id', 'question_options.title'])
      .where('answers.answer_document_id', '=', decodeId('response', res.id)!)
      .orderBy('answers.question_id')
      .execute();
    expect(answers.map((a) => [a.question_id, JSON.parse(a.title).en])).toEqual([
      [ids.questions[0], 'Yes'],
      [ids.questions[1], 'No'],
    ]);
  });

  it('paths are case-insensitive: /api/v1/contact and /API/V1/CONTACTEVENT', async () => {
    const lower = await t.app.inject({
      method: 'POST',
      url: `/loop/api/v1/contact?authToken=${token}`,
      headers: { 'content-type': 'application/json' },
      payload: { foreignId: 'case-1', email: 'case@example.com' },
    });
    expect(lower.statusCode, lower.body).toBe(200);
    expect(lower.json()).toMatchObject({ status: 'Success' });
    const upper = await t.app.inject({
      method: 'POST',
      url: `/loop/API/V1/CONTACTEVENT?authToken=${token}`,
      headers: { 'content-type': 'application/json' },
      payload: { event: 'checkin', foreignId: 'case-1' },
    });
    expect(upper.statusCode, upper.body).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/loop/api/v1/LoopTypes?authToken=${token}` })).statusCode).toBe(200);
  });

  it('looks a guest up by an international number sent with an unencoded + (read as a space)', async () => {
    const contact = ok(await post('Contact', { foreignId: 'plus-1', mobile: '+1 613 555 0199' }));
    const found = ok(await t.app.inject({ method: 'GET', url: `/loop/api/v1/users?sms=+16135550199&authToken=${token}` }));
    expect(found.users.map((u: { id: string }) => u.id)).toEqual([contact.id]);
  });

  it('a trailing slash is ignored: /users/?sms= and /locations/', async () => {
    const users = ok(await t.app.inject({ method: 'GET', url: `/loop/api/v1/users/?sms=5556135555&authToken=${token}` }));
    expect(users.users.map((u: any) => u.username)).toEqual(['benria', 'benria2']);
    const locations = ok(await t.app.inject({ method: 'GET', url: `/loop/api/v1/locations/?authToken=${token}` }));
    const plain = ok(await t.app.inject({ method: 'GET', url: `/loop/api/v1/locations?authToken=${token}` }));
    expect(locations.locations).toEqual(plain.locations);
    expect(locations.locations.map((l: any) => l.shortcode)).toEqual(expect.arrayContaining(['1300', '1200', '1100']));
  });

  it("Loop's locations are the account's own places: no competitor and no chain, listed or named", async () => {
    const listed = ok(await loopCall(t, token, 'GET', 'locations')).locations.map((l: { shortcode: string }) => l.shortcode);
    expect(listed).toEqual(expect.arrayContaining(['1300', '1200', 'X01', 'X02', 'X03', 'kattegat-gourmet']));
    for (const other of ['comp-gothia', 'comp-eggers', 'comp-post', 'sea-hotels']) {
      expect(listed).not.toContain(other);
      expect((await loopCall(t, token, 'GET', `locations/${other}`)).statusCode, other).toBe(404);
      const loop = await post('loops', { location: other, loopType: 'housekeeping', description: 'Towels' });
      expect(loop.statusCode, other).toBe(404);
    }
  });

  it('a full name sent alone (invite/url) also sets first and last name, so the three never disagree', async () => {
    const contact = ok(await post('Contact', { foreignId: 'names-1', firstname: 'Nora', lastname: 'Old', email: 'names@example.com' }));
    ok(await post('invite/url', { name: 'Nora van Dijk', email: 'names@example.com' }));
    const row = await t.database.db.selectFrom('guests').selectAll().where('id', '=', decodeId('guest', contact.id)!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Nora van Dijk', first_name: 'Nora', last_name: 'van Dijk' });
  });

  it('finds or creates one guest per e-mail however many requests race for it', async () => {
    const before = await guestCount();
    const results = await Promise.all(Array.from({ length: 20 }, () => post('invite/url', { name: 'Rita Race', email: 'race@example.com' })));
    const guestIds = new Set(results.map((r) => ok(r).guestId));
    expect(guestIds.size).toBe(1);
    expect(await guestCount()).toBe(before + 1);
  });

  it('never answered with a 500', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    const errors = t.logs.map((l) => JSON.parse(l)).filter((l) => l.level >= 50 || l.res?.statusCode >= 500);
    expect(errors).toEqual([]);
  });
});
