import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './helpers/database.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';

// Admin API: locations, loop types and custom fields.
describe.each(dialects())('admin locations, loop types and custom fields on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const call = adminCall(() => t);

  describe('locations', () => {
    it('creates, lists, reads, changes and deletes a location', async () => {
      const { adminToken } = await createTestAccount(t);
      const chain = await call(adminToken, 'POST', '/locations', { title: { en: 'Mar Hotels', es: 'Hoteles Mar' }, kind: 'chain', shortcode: 'mar' });
      expect(chain.statusCode).toBe(201);
      const created = await call(adminToken, 'POST', '/locations', {
        title: 'Hotel Mar Bilbao',
        shortcode: 'bilbao',
        parentId: chain.json().id,
        propertyCode: 'BIO1',
        timezone: 'Europe/Madrid',
        latitude: 43.26,
        longitude: -2.93,
        country: 'ES',
        city: 'Bilbao',
        zipCode: '48001',
        streetName: 'Gran Vía',
        streetNumber: '1',
      });
      expect(created.statusCode).toBe(201);
      const location = created.json();
      expect(location).toMatchObject({
        id: expect.any(Number),
        title: { en: 'Hotel Mar Bilbao' },
        kind: 'location',
        parentId: chain.json().id,
        timezone: 'Europe/Madrid',
        latitude: 43.26,
        state: null,
        defaultEvaluationId: null,
      });
      const listed = (await call(adminToken, 'GET', '/locations')).json().locations;
      expect(listed.map((l: any) => l.shortcode)).toEqual(['mar', 'bilbao']);
      expect((await call(adminToken, 'GET', `/locations/${location.id}`)).json()).toEqual(location);

      const patched = await call(adminToken, 'PATCH', `/locations/${location.id}`, { city: 'Bilbo', state: 'Bizkaia', latitude: null });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ city: 'Bilbo', state: 'Bizkaia', latitude: null, shortcode: 'bilbao', title: { en: 'Hotel Mar Bilbao' } });

      expect((await call(adminToken, 'DELETE', `/locations/${location.id}`)).statusCode).toBe(204);
      expect((await call(adminToken, 'GET', `/locations/${location.id}`)).statusCode).toBe(404);
      expect((await call(adminToken, 'DELETE', `/locations/${location.id}`)).statusCode).toBe(404);
    });

    it('sets and clears the default survey', async () => {
      const { adminToken } = await createTestAccount(t);
      const survey = await call(adminToken, 'POST', '/surveys', { name: 'Stay', sections: [{ questions: [{ type: 'text', title: 'Comments?' }] }] });
      const created = await call(adminToken, 'POST', '/locations', { title: 'Lobby', defaultEvaluationId: survey.json().id });
      expect(created.json().defaultEvaluationId).toBe(survey.json().id);
      const cleared = await call(adminToken, 'PATCH', `/locations/${created.json().id}`, { defaultEvaluationId: null });
      expect(cleared.json().defaultEvaluationId).toBeNull();
      const unknown = await call(adminToken, 'POST', '/locations', { title: 'Bar', defaultEvaluationId: 999999 });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.message).toBe('survey 999999 does not exist');
      expect((await call(adminToken, 'GET', '/locations')).json().locations).toHaveLength(1);
    });

    it('refuses bad input with a 400 that names the field', async () => {
      const { adminToken } = await createTestAccount(t);
      const cases: Array<[unknown, string]> = [
        [{}, 'body: missing required field "title"'],
        [{ title: '' }, 'body.title must NOT have fewer than 1 characters'],
        [{ title: {} }, 'title needs at least one language, e.g. {"en": "..."}'],
        [{ title: { en: 5 } }, 'body.title.en must be string'],
        [{ title: 42 }, 'body.title must be string or object'],
        [{ title: 'A', kind: 'castle' }, 'body.kind must be one of "location", "chain"'],
        [{ title: 'A', latitude: 91 }, 'body.latitude must be <= 90'],
        [{ title: 'A', timezone: 'Mars/Olympus' }, 'timezone "Mars/Olympus" is not an IANA time zone such as Europe/Madrid'],
        [{ title: 'A', colour: 'blue' }, 'body: unknown field "colour"'],
        [{ title: 'A', parentId: 999999 }, 'parent location 999999 does not exist'],
        [{ title: 'A', shortcode: '  ' }, 'shortcode cannot be blank'],
      ];
      for (const [payload, message] of cases) {
        const res = await call(adminToken, 'POST', '/locations', payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().error.message, JSON.stringify(payload)).toBe(message);
      }
      const plain = await call(adminToken, 'POST', '/locations', { title: 'Plain' });
      const child = await call(adminToken, 'POST', '/locations', { title: 'Child', parentId: plain.json().id });
      expect(child.json().error.message).toBe(`parent location ${plain.json().id} is not a chain`);
      const self = await call(adminToken, 'PATCH', `/locations/${plain.json().id}`, { parentId: plain.json().id });
      expect(self.statusCode).toBe(400);
    });

    it('keeps a chain with locations a chain', async () => {
      const { adminToken } = await createTestAccount(t);
      const chain = (await call(adminToken, 'POST', '/locations', { title: 'Chain', kind: 'chain' })).json();
      await call(adminToken, 'POST', '/locations', { title: 'Member', parentId: chain.id });
      const res = await call(adminToken, 'PATCH', `/locations/${chain.id}`, { kind: 'location' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain('must stay a chain');
    });

    it('answers a taken shortcode with a 409, on create and on change', async () => {
      const { adminToken } = await createTestAccount(t);
      await call(adminToken, 'POST', '/locations', { title: 'One', shortcode: 'one' });
      const dup = await call(adminToken, 'POST', '/locations', { title: 'Other', shortcode: 'one' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.code).toBe('conflict');
      const two = (await call(adminToken, 'POST', '/locations', { title: 'Two', shortcode: 'two' })).json();
      expect((await call(adminToken, 'PATCH', `/locations/${two.id}`, { shortcode: 'one' })).statusCode).toBe(409);
      // shortcodes are per account
      const other = await createTestAccount(t);
      expect((await call(other.adminToken, 'POST', '/locations', { title: 'One', shortcode: 'one' })).statusCode).toBe(201);
    });

    it("reports another account's location as not found", async () => {
      const mine = await createTestAccount(t);
      const theirs = await createTestAccount(t);
      const location = (await call(theirs.adminToken, 'POST', '/locations', { title: 'Theirs', kind: 'chain' })).json();
      expect((await call(mine.adminToken, 'GET', `/locations/${location.id}`)).statusCode).toBe(404);
      expect((await call(mine.adminToken, 'PATCH', `/locations/${location.id}`, { city: 'X' })).statusCode).toBe(404);
      expect((await call(mine.adminToken, 'DELETE', `/locations/${location.id}`)).statusCode).toBe(404);
      expect((await call(mine.adminToken, 'POST', '/locations', { title: 'Mine', parentId: location.id })).statusCode).toBe(400);
      expect((await call(mine.adminToken, 'GET', '/locations')).json().locations).toEqual([]);
      expect((await call(theirs.adminToken, 'GET', `/locations/${location.id}`)).statusCode).toBe(200);
    });
  });

  describe('loop types', () => {
    it('creates, lists and deletes loop types; a taken shortcode is a 409', async () => {
      const { adminToken } = await createTestAccount(t);
      const created = await call(adminToken, 'POST', '/loop-types', { shortcode: 'housekeeping', title: 'Housekeeping' });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual({ id: expect.any(Number), shortcode: 'housekeeping', title: { en: 'Housekeeping' }, createdAt: expect.any(Number) });
      expect((await call(adminToken, 'POST', '/loop-types', { shortcode: 'housekeeping', title: 'Again' })).statusCode).toBe(409);
      expect((await call(adminToken, 'GET', '/loop-types')).json().loopTypes).toHaveLength(1);
      expect((await call(adminToken, 'DELETE', `/loop-types/${created.json().id}`)).statusCode).toBe(204);
      expect((await call(adminToken, 'GET', '/loop-types')).json().loopTypes).toEqual([]);
    });

    it('refuses bad input and hides other accounts', async () => {
      const { adminToken } = await createTestAccount(t);
      expect((await call(adminToken, 'POST', '/loop-types', { title: 'No code' })).json().error.message).toBe('body: missing required field "shortcode"');
      expect((await call(adminToken, 'POST', '/loop-types', { shortcode: ' ', title: 'Blank' })).statusCode).toBe(400);
      expect((await call(adminToken, 'POST', '/loop-types', { shortcode: 'x', title: { en: '' } })).json().error.message).toBe('title.en cannot be empty');
      const other = await createTestAccount(t);
      const theirs = (await call(other.adminToken, 'POST', '/loop-types', { shortcode: 'spa', title: 'Spa' })).json();
      expect((await call(adminToken, 'DELETE', `/loop-types/${theirs.id}`)).statusCode).toBe(404);
      expect((await call(other.adminToken, 'GET', '/loop-types')).json().loopTypes).toHaveLength(1);
    });
  });

  describe('custom fields', () => {
    it('creates, lists and deletes custom fields; a taken shortcode is a 409', async () => {
      const { adminToken } = await createTestAccount(t);
      const created = await call(adminToken, 'POST', '/custom-fields', { shortcode: 'room', title: { en: 'Room', fr: 'Chambre' }, required: true });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ shortcode: 'room', title: { en: 'Room', fr: 'Chambre' }, required: true });
      const optional = await call(adminToken, 'POST', '/custom-fields', { shortcode: 'table', title: 'Table' });
      expect(optional.json().required).toBe(false);
      expect((await call(adminToken, 'POST', '/custom-fields', { shortcode: 'room', title: 'Room' })).statusCode).toBe(409);
      expect((await call(adminToken, 'GET', '/custom-fields')).json().customFields.map((f: any) => f.shortcode)).toEqual(['room', 'table']);
      expect((await call(adminToken, 'DELETE', `/custom-fields/${created.json().id}`)).statusCode).toBe(204);
      expect((await call(adminToken, 'GET', '/custom-fields')).json().customFields).toHaveLength(1);
    });

    it('refuses bad input and hides other accounts', async () => {
      const { adminToken } = await createTestAccount(t);
      const res = await call(adminToken, 'POST', '/custom-fields', { shortcode: 'room', title: 'Room', required: 'yes' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toBe('body.required must be boolean');
      const other = await createTestAccount(t);
      const theirs = (await call(other.adminToken, 'POST', '/custom-fields', { shortcode: 'room', title: 'Room' })).json();
      expect((await call(adminToken, 'DELETE', `/custom-fields/${theirs.id}`)).statusCode).toBe(404);
      expect((await call(adminToken, 'GET', '/custom-fields')).json().customFields).toEqual([]);
    });
  });
});
