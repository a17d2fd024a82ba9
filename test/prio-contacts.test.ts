import { existsSync, readFileSync } from 'node:fs';
import { writeContext } from '../src/core/shared/write-context.js';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { attachGuestKey } from '../src/core/guests/guest-keys.js';
import { createGuest } from '../src/core/guests/guests.js';
import { mergeGuests } from '../src/core/merges/merge-guests.js';
import { createLooponClient } from './helpers/loopon.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';
import { createPrioClient, PRIO } from './helpers/prio.js';

/*
 * The Contacts face (issue 13): every example of spec 003 replayed, the negative cases, the
 * isolation of accounts and faces, one profile shared with the Loop face, and every answer checked
 * against the schemas of the API's published contact models (a copy of the project's
 * ../shared/specs/prio-contacts-openapi-excerpt.json in test/fixtures, so a clone tests alone).
 */

const EXCERPT = JSON.parse(readFileSync(new URL('./fixtures/prio-contacts-openapi-excerpt.json', import.meta.url), 'utf8'));
// The copy stays the project's document (checked where the documents are, next to the repository).
const SHARED_EXCERPT = new URL('../../shared/specs/prio-contacts-openapi-excerpt.json', import.meta.url);
it.skipIf(!existsSync(SHARED_EXCERPT))('test/fixtures holds the Contacts excerpt as the project keeps it (needs ../shared/specs)', () => {
  expect(readFileSync(new URL('./fixtures/prio-contacts-openapi-excerpt.json', import.meta.url), 'utf8')).toBe(readFileSync(SHARED_EXCERPT, 'utf8'));
});
const ajv = new Ajv({ strict: false, allErrors: true, formats: { phone: true, URI: true } });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema({ ...EXCERPT, $id: 'prio' });
/** Fails with the validation errors when `body` is not an instance of the excerpt's schema `name`. */
function expectSchema(name: string, body: unknown): void {
  const validate = ajv.getSchema(`prio#/components/schemas/${name}`)!;
  expect(validate(body) ? [] : validate.errors).toEqual([]);
}

const SPEC_UID = 'f44226c0-e142-11ea-86d2-83036af9991e';
const RFC3339_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/;

describe.each(dialects())('Contacts face on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  async function setup() {
    const { account, loopToken } = await createTestAccount(t);
    const client = await createPrioClient(t, account.id);
    const call = (method: 'GET' | 'PUT', url: string, opts: { payload?: unknown; headers?: Record<string, string> } = {}) =>
      t.app.inject({
        method,
        url: `${PRIO}${url}`,
        headers: { ...client.headers, ...opts.headers },
        ...(opts.payload === undefined ? {} : { payload: opts.payload as object }),
      });
    return { account, loopToken, client, call };
  }
  const putBody = (contact: Record<string, unknown>) => ({ data: { kind: 'contact', contact } });

  describe('OAuth 2 client credentials', () => {
    it('issues tokens by HTTP Basic and by form body, for its own clients only; a token opens only its own face', async () => {
      const { account, client, call } = await setup();
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
      const byBasic = await t.app.inject({
        method: 'POST',
        url: `${PRIO}/oauth2/token`,
        headers: { ...form, authorization: basic },
        payload: 'grant_type=client_credentials',
      });
      expect(byBasic.statusCode).toBe(200);
      expectSchema('ClientCredentialsGrantResponse', byBasic.json());
      expect(byBasic.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'https://www.prioticketapis.com/auth/distributor/contacts' });
      const byForm = await t.app.inject({
        method: 'POST',
        url: `${PRIO}/oauth2/token`,
        headers: form,
        payload: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}&scope=${encodeURIComponent('https://www.prioticketapis.com/auth/distributor/contacts')}`,
      });
      expect(byForm.statusCode).toBe(200);
      const token = byForm.json().access_token;
      expect((await t.app.inject({ url: `${PRIO}/contacts`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);

      // A Loopon client gets no token here and a Contacts client none at Loopon's endpoint.
      const loopon = await createLooponClient(t, account.id);
      const looponHere = await t.app.inject({
        method: 'POST',
        url: `${PRIO}/oauth2/token`,
        headers: { ...form, authorization: `Basic ${Buffer.from(`${loopon.clientId}:${loopon.clientSecret}`).toString('base64')}` },
        payload: 'grant_type=client_credentials',
      });
      expect(looponHere.statusCode).toBe(401);
      expectSchema('OAuthErrorModel', looponHere.json());
      expect(looponHere.json().error).toBe('invalid_client');
      const oursThere = await t.app.inject({
        method: 'POST',
        url: '/loopon/oauth2/token',
        headers: { ...form, authorization: basic },
        payload: 'grant_type=client_credentials',
      });
      expect(oursThere.statusCode).toBe(401);
      // Tokens: a Loopon token is refused here, a Contacts token at Loopon.
      const looponTokenHere = await t.app.inject({ url: `${PRIO}/contacts`, headers: loopon.headers });
      expect(looponTokenHere.statusCode).toBe(401);
      expectSchema('ErrorModel', looponTokenHere.json());
      expect((await t.app.inject({ url: '/loopon/public/units', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);

      // Bad grants and scopes.
      const wrongGrant = await t.app.inject({
        method: 'POST',
        url: `${PRIO}/oauth2/token`,
        headers: { ...form, authorization: basic },
        payload: 'grant_type=password',
      });
      expect(wrongGrant.json().error).toBe('unsupported_grant_type');
      const wrongScope = await t.app.inject({
        method: 'POST',
        url: `${PRIO}/oauth2/token`,
        headers: { ...form, authorization: basic },
        payload: 'grant_type=client_credentials&scope=basic',
      });
      expect(wrongScope.statusCode).toBe(400);
      expect(wrongScope.json().error).toBe('invalid_scope');
      const wrongSecret = await t.app.inject({
        method: 'POST',
        url: `${PRIO}/oauth2/token`,
        headers: form,
        payload: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=nope`,
      });
      expect(wrongSecret.statusCode).toBe(401);
      void call;
    });

    it("serves its OpenAPI document with the product's paths and the contacts scope", async () => {
      const res = await t.app.inject({ url: `${PRIO}/openapi.json` });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/oauth2/token', '/contacts', '/contacts/{contact_uid}']));
      expect(doc.components.securitySchemes.OAuth2.flows.clientCredentials.scopes).toHaveProperty('https://www.prioticketapis.com/auth/distributor/contacts');
    });

    it('refuses a call without a bearer token or with an unknown one (401, ErrorModel)', async () => {
      const none = await t.app.inject({ url: `${PRIO}/contacts` });
      expect(none.statusCode).toBe(401);
      expectSchema('ErrorModel', none.json());
      const unknown = await t.app.inject({ url: `${PRIO}/contacts`, headers: { authorization: 'Bearer nope' } });
      expect(unknown.statusCode).toBe(401);
      expect(unknown.json()).toMatchObject({ error: 'UNAUTHORIZED', error_reference: expect.any(String) });
    });
  });

  describe('the examples of the spec', () => {
    it('GET /contacts with every filter and paging parameter of the examples and If-Modified-Since: Wed, 21 Jan 2022 07:28:00 GMT', async () => {
      const { account, call } = await setup();
      const db = t.database.db;
      const guest = await createGuest(writeContext(db, account.id), { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org' });
      await call('PUT', `/contacts/${(await call('GET', '/contacts')).json().data.items[0].contact_uid}`, {
        payload: putBody({
          contact_uid: (await call('GET', '/contacts')).json().data.items[0].contact_uid,
          contact_type: 'GUEST',
          contact_name_first: 'Ada',
          contact_name_last: 'Lovelace',
          contact_email: 'ada@example.org',
        }),
      });
      await createGuest(writeContext(db, account.id), { firstName: 'Booker' });
      const res = await call('GET', '/contacts?reseller_id=501&distributor_id=501&contact_type=GUEST&items_per_page=5&start_index=1&page=1', {
        headers: { 'if-modified-since': 'Wed, 21 Jan 2022 07:28:00 GMT' },
      });
      expect(res.statusCode).toBe(200);
      expectSchema('ContactListResponse', res.json());
      expect(res.headers['last-modified']).toEqual(expect.stringMatching(/GMT$/));
      expect(res.json()).toMatchObject({
        api_version: '3.8.0',
        data: { kind: 'contact', current_item_count: 1, items_per_page: 5, start_index: 1, total_items: 1, page_index: 1, total_pages: 1 },
      });
      expect(res.json().data.items[0]).toMatchObject({
        contact_type: 'GUEST',
        contact_name_first: 'Ada',
        contact_email: 'ada@example.org',
        contact_version: 2,
      });
      void guest;
    });

    it("GET /contacts/f44226c0-e142-11ea-86d2-83036af9991e?include_versions=true: the client's own uid, with every revision", async () => {
      const { account, call } = await setup();
      const guest = await createGuest(writeContext(t.database.db, account.id), { firstName: 'Grace', lastName: 'Hopper' });
      // The uid an imported contact kept from the product the hotel leaves.
      await attachGuestKey(t.database.db, account.id, 'prio', SPEC_UID, guest.id);
      const put = await call('PUT', `/contacts/${SPEC_UID}`, {
        payload: putBody({ contact_uid: SPEC_UID, contact_name_first: 'Grace', contact_name_last: 'Murray Hopper' }),
      });
      expect(put.statusCode).toBe(200);
      expectSchema('ContactDetailResponse', put.json());
      const plain = await call('GET', `/contacts/${SPEC_UID}?include_versions=false`);
      expect(plain.json().data.items).toHaveLength(1);
      const res = await call('GET', `/contacts/${SPEC_UID}?include_versions=true`);
      expect(res.statusCode).toBe(200);
      expectSchema('ContactDetailResponse', res.json());
      const items = res.json().data.items;
      expect(
        items.map((c: { contact_uid: string; contact_version: number; contact_name_last: string }) => [c.contact_uid, c.contact_version, c.contact_name_last]),
      ).toEqual([
        [SPEC_UID, 2, 'Murray Hopper'],
        [SPEC_UID, 1, 'Hopper'],
      ]);
      // The uid is matched whatever its case.
      expect((await call('GET', `/contacts/${SPEC_UID.toUpperCase()}`)).json().data.items[0].contact_uid).toBe(SPEC_UID);
    });

    it('PUT /contacts/{uid} with order_reference ["ORDRREF123456","ORDRREF12345678"] links those bookings to the contact', async () => {
      const { account, call } = await setup();
      const db = t.database.db;
      const guest = await createGuest(writeContext(db, account.id), { firstName: 'Grace' });
      const other = await createGuest(writeContext(db, account.id), { firstName: 'Someone' });
      await attachGuestKey(db, account.id, 'prio', SPEC_UID, guest.id);
      const now = Date.now();
      for (const ref of ['ORDRREF123456', 'ORDRREF12345678']) {
        await db
          .insertInto('stays')
          .values({ account_id: account.id, guest_id: other.id, source: 'pms', booking_reference: ref, status: 'prestay', created_at: now, updated_at: now })
          .execute();
      }
      const body = putBody({ contact_uid: SPEC_UID, contact_name_first: 'Grace', contact_type: 'BOOKER' });
      // Unknown reference: 404 and nothing changes.
      const unknown = await call('PUT', `/contacts/${SPEC_UID}?order_reference=ORDRREF123456&order_reference=NOPE`, { payload: body });
      expect(unknown.statusCode).toBe(404);
      expectSchema('ErrorModel', unknown.json());
      expect((await call('GET', `/contacts/${SPEC_UID}`)).json().data.items[0].contact_version).toBe(1);
      const stayGuests = async () => (await db.selectFrom('stays').select('guest_id').where('account_id', '=', account.id).execute()).map((s) => s.guest_id);
      expect(await stayGuests()).toEqual([other.id, other.id]);

      const res = await call('PUT', `/contacts/${SPEC_UID}?order_reference=ORDRREF123456&order_reference=ORDRREF12345678`, { payload: body });
      expect(res.statusCode).toBe(200);
      expect(await stayGuests()).toEqual([guest.id, guest.id]);
      // The example's JSON-array spelling is read too.
      const arrayForm = await call('PUT', `/contacts/${SPEC_UID}?order_reference=${encodeURIComponent('["ORDRREF123456","ORDRREF12345678"]')}`, {
        payload: body,
      });
      expect(arrayForm.statusCode).toBe(200);
      expect(arrayForm.json().data.items[0].contact_version).toBe(3);
    });
  });

  describe('contacts', () => {
    it('answers ContactDetails as the excerpt has them: RFC 3339 dates with +00:00, unset fields left out, nested shapes', async () => {
      const { account, call } = await setup();
      await createGuest(writeContext(t.database.db, account.id), { firstName: 'Ada' });
      const uid = (await call('GET', '/contacts')).json().data.items[0].contact_uid;
      const full = {
        contact_uid: uid,
        contact_external_uid: 'crm-42',
        contact_number: 'C-1',
        contact_type: 'GUEST',
        contact_title: 'Dr',
        contact_name_first: 'Ada',
        contact_name_last: 'Lovelace',
        contact_email: 'Ada@Example.org',
        contact_phone: '+44 20 7946 0000',
        contact_mobile: '+44 7700 900123',
        contact_language: 'en',
        contact_nationality: 'GB',
        contact_loyalty_number: 'L-7',
        contact_birth_date: '1815-12-10',
        contact_gender: 'FEMALE',
        contact_room_number: '101',
        contact_address: { street: '12 St James Square', city: 'London', postal_code: 'SW1Y 4JH', country_code: 'GB' },
        contact_notes: [{ note_value: 'prefers tea', note_type: 'GUEST' }],
        contact_custom_fields: [{ custom_field_name: 'pillow', custom_field_value: 'soft', custom_field_type: 'USER' }],
      };
      const res = await call('PUT', `/contacts/${uid}`, { payload: putBody(full) });
      expect(res.statusCode, res.body).toBe(200);
      expectSchema('ContactDetailResponse', res.json());
      const contact = res.json().data.items[0];
      expect(contact).toMatchObject({
        ...full,
        contact_email: 'ada@example.org',
        contact_mobile: '+447700900123',
        contact_version: 2,
        contact_address: { ...full.contact_address, id: expect.any(String) },
      });
      expect(contact.contact_created).toMatch(RFC3339_OFFSET);
      expect(contact.contact_modified).toMatch(RFC3339_OFFSET);
      expect(contact.contact_notes[0]).toEqual({
        note_value: 'prefers tea',
        note_type: 'GUEST',
        note_date: expect.stringMatching(RFC3339_OFFSET),
        note_creator: expect.any(String),
      });
      // The address keeps its id, a note its date, on the next PUT.
      const again = (await call('PUT', `/contacts/${uid}`, { payload: putBody(full) })).json().data.items[0];
      expect(again.contact_address.id).toBe(contact.contact_address.id);
      expect(again.contact_notes).toEqual(contact.contact_notes);
      // The filter by external uid.
      const byExternal = (await call('GET', '/contacts?contact_external_uid=crm-42')).json();
      expect(byExternal.data.items.map((c: { contact_uid: string }) => c.contact_uid)).toEqual([uid]);
      expect((await call('GET', '/contacts?contact_external_uid=crm-43')).json().data).toMatchObject({ total_items: 0, items: [] });
    });

    it('PUT overwrites (never merges): what is left out is cleared, the version goes up and the old revision is kept', async () => {
      const { account, call } = await setup();
      await createGuest(writeContext(t.database.db, account.id), {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.org',
        language: 'en',
        customFields: { floor: 'high' },
      });
      const before = (await call('GET', '/contacts')).json().data.items[0];
      expect(before).toMatchObject({ contact_version: 1, contact_type: 'CONTACT', contact_email: 'ada@example.org', contact_language: 'en' });
      const res = await call('PUT', `/contacts/${before.contact_uid}`, {
        payload: putBody({ contact_uid: before.contact_uid, contact_name_first: 'Augusta' }),
      });
      const after = res.json().data.items[0];
      expect(after).toEqual({
        contact_uid: before.contact_uid,
        contact_version: 2,
        contact_type: 'CONTACT',
        contact_name_first: 'Augusta',
        contact_created: before.contact_created,
        contact_modified: expect.stringMatching(RFC3339_OFFSET),
      });
      const versions = (await call('GET', `/contacts/${before.contact_uid}?include_versions=true`)).json().data.items;
      expect(versions[1]).toEqual(before);
    });

    it('refuses bad input with a 400 and an ErrorModel, and changes nothing', async () => {
      const { account, call } = await setup();
      await createGuest(writeContext(t.database.db, account.id), { firstName: 'Ada' });
      const uid = (await call('GET', '/contacts')).json().data.items[0].contact_uid;
      const cases: Array<[unknown, string]> = [
        [putBody({ contact_uid: '00000000-0000-4000-8000-000000000000' }), 'does not match'],
        [putBody({ contact_name_first: 'Ada' }), 'contact_uid is required'],
        [{ data: { kind: 'order', contact: { contact_uid: uid } } }, 'data.kind'],
        [{ contact: { contact_uid: uid } }, 'data is required'],
        [{ data: { kind: 'contact' } }, 'data.contact'],
        [putBody({ contact_uid: uid, contact_email: 'not an e-mail' }), 'contact_email'],
        [putBody({ contact_uid: uid, contact_type: 'VIP' }), 'contact_type'],
        [putBody({ contact_uid: uid, contact_gender: 'm' }), 'contact_gender'],
        [putBody({ contact_uid: uid, contact_birth_date: '1815-02-30' }), 'contact_birth_date'],
        [putBody({ contact_uid: uid, contact_name_first: 42 }), 'contact_name_first'],
        [putBody({ contact_uid: uid, contact_number: 'x'.repeat(51) }), 'contact_number'],
        [putBody({ contact_uid: uid, contact_notes: [{ note_value: 'x', note_type: 'NOPE' }] }), 'note_type'],
        [putBody({ contact_uid: uid, contact_notes: 'x' }), 'contact_notes'],
        [putBody({ contact_uid: uid, contact_address: 'Main St' }), 'contact_address'],
        [putBody({ contact_uid: uid, contact_custom_fields: [{ custom_field_value: 'x' }] }), 'custom_field_name'],
        [putBody({ contact_uid: uid, contact_custom_fields: [{ custom_field_name: 'a', custom_field_type: 'OTHER' }] }), 'custom_field_type'],
        [putBody({ contact_uid: uid, contact_age: 151 }), 'contact_age'],
        [[1, 2], 'JSON object'],
      ];
      for (const [payload, message] of cases) {
        const res = await call('PUT', `/contacts/${uid}`, { payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expectSchema('ErrorModel', res.json());
        expect(res.json().error_message).toContain(message);
      }
      const notJson = await t.app.inject({
        method: 'PUT',
        url: `${PRIO}/contacts/${uid}`,
        headers: { ...(await createPrioClient(t, account.id)).headers, 'content-type': 'application/json' },
        payload: '{"data":',
      });
      expect(notJson.statusCode).toBe(400);
      expect((await call('GET', `/contacts/${uid}`)).json().data.items[0].contact_version).toBe(1);
      for (const query of ['items_per_page=0', 'items_per_page=abc', 'start_index=0', 'page=-1', 'page=1.5', 'contact_type=VIP']) {
        const res = await call('GET', `/contacts?${query}`);
        expect(res.statusCode, query).toBe(400);
        expectSchema('ErrorModel', res.json());
      }
      expect((await call('GET', `/contacts/${uid}?include_versions=maybe`)).statusCode).toBe(400);
    });

    it('answers every odd value of every field with a 200 or a 400, never a 500', async () => {
      const { account, call } = await setup();
      await createGuest(writeContext(t.database.db, account.id), { firstName: 'Ada' });
      const uid = (await call('GET', '/contacts')).json().data.items[0].contact_uid;
      const fields = Object.keys(EXCERPT.components.schemas.ContactDetails.properties).filter((f) => f !== 'contact_uid');
      const odd: unknown[] = [
        null,
        '',
        ' ',
        0,
        -1,
        1.5,
        true,
        [],
        {},
        [{}],
        'x'.repeat(3000),
        '\u0000',
        'MALE',
        '2025-02-30',
        { city: 1 },
        [{ note_value: 'n', note_type: 'GUEST' }],
      ];
      for (const field of fields) {
        for (const value of odd) {
          const res = await call('PUT', `/contacts/${uid}`, { payload: putBody({ contact_uid: uid, [field]: value }) });
          expect([200, 400], `${field}=${JSON.stringify(value).slice(0, 40)}: ${res.body}`).toContain(res.statusCode);
          if (res.statusCode === 200) expectSchema('ContactDetailResponse', res.json());
        }
      }
      const list = await call('GET', '/contacts?items_per_page=500');
      expect(list.statusCode).toBe(200);
      expectSchema('ContactListResponse', list.json());
      const versions = await call('GET', `/contacts/${uid}?include_versions=true`);
      expectSchema('ContactDetailResponse', versions.json());
      for (const query of [
        'items_per_page=',
        'page=99999999999999999999',
        'start_index=1e3',
        'contact_type=',
        'contact_type=guest',
        'items_per_page=1&items_per_page=2',
        'reseller_id=',
      ]) {
        expect([200, 400], query).toContain((await call('GET', `/contacts?${query}`)).statusCode);
      }
    });

    it('answers 404 for an unknown, malformed or foreign uid (GET and PUT)', async () => {
      const { account, call } = await setup();
      const other = await setup();
      await createGuest(writeContext(t.database.db, other.account.id), { firstName: 'Theirs' });
      const theirs = (await other.call('GET', '/contacts')).json().data.items[0].contact_uid;
      await createGuest(writeContext(t.database.db, account.id), { firstName: 'Ours' });
      for (const uid of [SPEC_UID, 'not-a-uuid', '6f70656e-7374-8000-8000-ffffffffffff', theirs]) {
        const get = await call('GET', `/contacts/${uid}`);
        expect(get.statusCode, uid).toBe(404);
        expectSchema('ErrorModel', get.json());
        const put = await call('PUT', `/contacts/${uid}`, { payload: putBody({ contact_uid: uid, contact_name_first: 'X' }) });
        expect(put.statusCode, uid).toBe(404);
      }
      // Each account lists only its own contacts, and the other's contact is untouched.
      expect((await call('GET', '/contacts')).json().data.items.map((c: { contact_name_first: string }) => c.contact_name_first)).toEqual(['Ours']);
      expect((await other.call('GET', `/contacts/${theirs}`)).json().data.items[0]).toMatchObject({ contact_name_first: 'Theirs', contact_version: 1 });
    });
  });

  describe('paging', () => {
    it('pages by items_per_page, start_index and page; start_index wins over page; items_per_page is capped at 500', async () => {
      const { account, call } = await setup();
      for (let i = 1; i <= 12; i++) await createGuest(writeContext(t.database.db, account.id), { firstName: `G${i}` });
      const names = (body: { data: { items: Array<{ contact_name_first: string }> } }) => body.data.items.map((c) => c.contact_name_first);
      const first = (await call('GET', '/contacts')).json();
      expect(first.data).toMatchObject({ current_item_count: 10, items_per_page: 10, start_index: 1, total_items: 12, page_index: 1, total_pages: 2 });
      const page3 = (await call('GET', '/contacts?items_per_page=5&page=3')).json();
      expect(page3.data).toMatchObject({ current_item_count: 2, items_per_page: 5, start_index: 11, total_items: 12, page_index: 3, total_pages: 3 });
      expect(names(page3)).toEqual(['G11', 'G12']);
      const byIndex = (await call('GET', '/contacts?items_per_page=5&start_index=4')).json();
      expect(names(byIndex)).toEqual(['G4', 'G5', 'G6', 'G7', 'G8']);
      expect(byIndex.data).toMatchObject({ start_index: 4, page_index: 1 });
      const both = (await call('GET', '/contacts?items_per_page=5&start_index=6&page=1')).json();
      expect(names(both)).toEqual(['G6', 'G7', 'G8', 'G9', 'G10']);
      expect(both.data).toMatchObject({ start_index: 6, page_index: 2 });
      const past = (await call('GET', '/contacts?page=99')).json();
      expect(past.data).toMatchObject({ current_item_count: 0, total_items: 12, items: [] });
      const capped = await call('GET', '/contacts?items_per_page=100000');
      expectSchema('ContactListResponse', capped.json());
      expect(capped.json().data).toMatchObject({ items_per_page: 500, current_item_count: 12, total_pages: 1 });
      for (const res of [first, page3, byIndex, both, past]) expectSchema('ContactListResponse', res);
    });
  });

  describe('If-Modified-Since', () => {
    it('answers 304 with no body until a contact changes through any face, is merged away or deleted', async () => {
      const { account, loopToken, call } = await setup();
      const clock = Date.parse('2026-11-16T12:00:00.000Z');
      vi.setSystemTime(clock);
      const loop = (body: unknown) => loopCall(t, loopToken, 'POST', 'Contact', body);
      expect((await loop({ foreignId: 'a-1', firstname: 'Ada', email: 'ada@example.org' })).statusCode).toBe(200);
      expect((await loop({ foreignId: 'b-1', firstname: 'Bea', email: 'bea@example.org' })).statusCode).toBe(200);
      const first = await call('GET', '/contacts');
      const lastModified = first.headers['last-modified'] as string;
      expect(lastModified).toBe('Mon, 16 Nov 2026 12:00:00 GMT');
      const conditional = () => call('GET', '/contacts', { headers: { 'if-modified-since': lastModified } });
      const unchanged = await conditional();
      expect(unchanged.statusCode).toBe(304);
      expect(unchanged.body).toBe('');
      // A date that is no date is ignored (RFC 9110): the list.
      expect((await call('GET', '/contacts', { headers: { 'if-modified-since': 'yesterday' } })).statusCode).toBe(200);

      // A change through the Loop face.
      vi.setSystemTime(clock + 5_000);
      expect((await loop({ foreignId: 'a-1', firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.org' })).statusCode).toBe(200);
      const changed = await conditional();
      expect(changed.statusCode).toBe(200);
      expect(changed.headers['last-modified']).toBe('Mon, 16 Nov 2026 12:00:05 GMT');
      expect(changed.json().data.items).toHaveLength(2);
      const next = changed.headers['last-modified'] as string;
      expect((await call('GET', '/contacts', { headers: { 'if-modified-since': next } })).statusCode).toBe(304);

      // A merge: the merged-away contact leaves the list.
      vi.setSystemTime(clock + 10_000);
      const [ada, bea] = changed.json().data.items;
      const guestIds = (await t.database.db.selectFrom('guests').select('id').where('account_id', '=', account.id).orderBy('id').execute()).map((g) => g.id);
      await mergeGuests(writeContext(t.database.db, account.id, 'test'), guestIds[0], guestIds[1]);
      const merged = await call('GET', '/contacts', { headers: { 'if-modified-since': next } });
      expect(merged.statusCode).toBe(200);
      expect(merged.json().data.items.map((c: { contact_uid: string }) => c.contact_uid)).toEqual([ada.contact_uid]);
      // The merged-away uid answers as its survivor.
      expect((await call('GET', `/contacts/${bea.contact_uid}`)).json().data.items[0].contact_uid).toBe(ada.contact_uid);

      // A deletion leaves a tombstone.
      const afterMerge = merged.headers['last-modified'] as string;
      vi.setSystemTime(clock + 15_000);
      expect((await loopCall(t, loopToken, 'DELETE', 'Contact?foreignId=a-1')).statusCode).toBe(200);
      const deleted = await call('GET', '/contacts', { headers: { 'if-modified-since': afterMerge } });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json().data).toMatchObject({ total_items: 0, items: [] });
      expect(deleted.headers['last-modified']).toBe('Mon, 16 Nov 2026 12:00:15 GMT');
    });
  });

  describe('one person, one profile', () => {
    it('a Loop Contact with an e-mail is a contact here; a change through Loop bumps contact_version and contact_modified', async () => {
      const { account, loopToken, call } = await setup();
      const clock = Date.parse('2026-11-16T12:00:00.000Z');
      vi.setSystemTime(clock);
      const created = await loopCall(t, loopToken, 'POST', 'Contact', { foreignId: 'pms-1', firstname: 'Ada', lastname: 'Lovelace', email: 'Ada@Example.org' });
      expect(created.statusCode).toBe(200);
      const list = (await call('GET', '/contacts')).json();
      expect(list.data.items).toHaveLength(1);
      const contact = list.data.items[0];
      expect(contact).toMatchObject({
        contact_name_first: 'Ada',
        contact_name_last: 'Lovelace',
        contact_email: 'ada@example.org',
        contact_version: 1,
        contact_modified: '2026-11-16T12:00:00+00:00',
      });

      vi.setSystemTime(clock + 60_000);
      // The same person arrives again by e-mail alone (identity resolution): the same profile.
      expect((await loopCall(t, loopToken, 'POST', 'Contact', { foreignId: 'pms-1', email: 'ada@example.org', language: 'fr' })).statusCode).toBe(200);
      const after = (await call('GET', `/contacts/${contact.contact_uid}?include_versions=true`)).json().data.items;
      expect(after[0]).toMatchObject({
        contact_uid: contact.contact_uid,
        contact_version: 2,
        contact_language: 'fr',
        contact_modified: '2026-11-16T12:01:00+00:00',
      });
      expect(after[1]).toEqual(contact);
      // A PUT here is seen by the Loop face's guest: one row.
      const put = await call('PUT', `/contacts/${contact.contact_uid}`, {
        payload: putBody({ contact_uid: contact.contact_uid, contact_name_first: 'Augusta', contact_email: 'ada@example.org' }),
      });
      expect(put.json().data.items[0].contact_version).toBe(3);
      const guests = await t.database.db.selectFrom('guests').select(['first_name', 'email', 'version']).where('account_id', '=', account.id).execute();
      expect(guests).toEqual([{ first_name: 'Augusta', email: 'ada@example.org', version: 3 }]);
    });
  });
});
