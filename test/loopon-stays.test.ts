import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId, encodeId } from '../src/api/loop-v1/ids.js';
import { listJourneyEvents } from '../src/core/journeys/journey-events.js';
import { createLocation } from '../src/core/locations/locations.js';
import { listStayCallbacks } from '../src/core/stays/stay-callbacks.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { createLooponClient } from './helpers/loopon.js';

/*
 * Register Guest Stay: the spec's example replayed, the matching rules, updates on a match, the
 * per-client callback, anonymous stays, and one guest row shared with the Loop face.
 */

// The spec's curl example, byte for byte: JSON sent by `curl --data-binary`, i.e. as a form body.
const SPEC_EXAMPLE = `{ "name":"Simon Finne", "bookingReference":"ExampleReference-001", "email":"simon.finne@loopon.com", "mobile":"+46730442480", "bookingDate":"2017-11-01", "checkinDate":"2017-11-18", "checkoutDate":"2017-11-29", "room":"123", "status":"instay", "stayCallback": { "url":"https:\\/\\/www.wowsify.com\\/api\\/stayUpdate", "auth":"basic", "authToken":"ExampleToken" } }`;

describe.each(dialects())('Loopon Register Guest Stay on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let loopToken: string;
  let unit: number;
  let otherUnit: number;
  let client: Awaited<ReturnType<typeof createLooponClient>>;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const created = await createTestAccount(t);
    accountId = created.account.id;
    loopToken = created.loopToken;
    unit = (await createLocation(t.database.db, accountId, { title: { en: 'Sea Hotel Kattegat' }, shortcode: 'kattegat' })).id;
    otherUnit = (await createLocation(t.database.db, accountId, { title: { en: 'Sea Hotel Skagerrak' } })).id;
    client = await createLooponClient(t, accountId);
  });
  afterAll(async () => t?.close());

  const post = (body: unknown, opts: { unitId?: number; headers?: Record<string, string> } = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${opts.unitId ?? unit}/stays`,
      headers: { ...(opts.headers ?? client.headers), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const ok = async (body: unknown, opts?: Parameters<typeof post>[1]) => {
    const res = await post(body, opts);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const dates = { checkinDate: '2026-03-01', checkoutDate: '2026-03-04' };

  it('replays the spec example (form-encoded JSON with a callback) and answers the Stay', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { ...client.headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: SPEC_EXAMPLE,
    });
    expect(res.statusCode, res.body).toBe(200);
    const stay = res.json();
    expect(stay).toMatchObject({
      unitId: unit,
      status: 'instay',
      bookingReference: 'ExampleReference-001',
      bookingDate: '2017-11-01',
      checkinDate: '2017-11-18',
      checkoutDate: '2017-11-29',
      room: '123',
      language: 'en',
      guest: { name: 'Simon Finne', email: 'simon.finne@loopon.com', mobile: '+46730442480' },
    });
    expect(Number.isInteger(stay.stayId) && Number.isInteger(stay.guest.guestId)).toBe(true);
    expect(stay.url).toMatch(/^http:\/\/openstay\.test\/loopon\/stay\/[A-Za-z0-9]{32}$/);
    expect(stay.chatSession.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(stay.chatSession.wssUrl).toBe(`ws://openstay.test/loopon/chat/public/en/${stay.chatSession.sessionId}`);
    const callbacks = await listStayCallbacks(t.database.db, t.secrets, accountId, stay.stayId);
    expect(callbacks).toEqual([{ clientId: expect.any(Number), url: 'https://www.wowsify.com/api/stayUpdate', auth: 'basic', authToken: 'ExampleToken' }]);
  });

  it("takes the demo backend's body (VERSION: 1, unitId in the body) and ignores unknown fields", async () => {
    const stay = await ok(
      {
        unitId: unit,
        name: 'Rick Sanchez',
        room: '42',
        bookingReference: 'DEMO-1',
        email: 'rick@example.com',
        mobile: '+1 613 555 1234',
        language: 'sv',
        bookingDate: '2026-01-10',
        ...dates,
        status: 'prestay',
        foo: 'bar',
        nested: { x: 1 },
      },
      { headers: { ...client.headers, version: '1' } },
    );
    expect(stay).toMatchObject({ status: 'prestay', language: 'sv', room: '42', guest: { mobile: '+16135551234' } });
    expect(stay).not.toHaveProperty('foo');
    expect(stay.chatSession.wssUrl).toMatch(/\/loopon\/chat\/public\/sv\/[0-9a-f]{32}$/);
  });

  it('matches by booking reference at the unit, updating room, status and the callback', async () => {
    const first = await ok({ bookingReference: 'REF-100', room: '101', status: 'prestay', stayCallback: { url: 'https://pms.example.com/a' } });
    const again = await ok({
      bookingReference: 'REF-100',
      room: '202',
      status: 'instay',
      stayCallback: { url: 'https://pms.example.com/b', auth: 'bearer', authToken: 'tok' },
    });
    expect(again.stayId).toBe(first.stayId);
    expect(again).toMatchObject({ room: '202', status: 'instay' });
    expect(again.url).not.toBe(first.url); // a new URL on every POST
    expect(await listStayCallbacks(t.database.db, t.secrets, accountId, first.stayId)).toMatchObject([
      { url: 'https://pms.example.com/b', auth: 'bearer', authToken: 'tok' },
    ]);
    // The same reference at another unit is another stay.
    const elsewhere = await ok({ bookingReference: 'REF-100', status: 'prestay' }, { unitId: otherUnit });
    expect(elsewhere.stayId).not.toBe(first.stayId);
  });

  it('matches by e-mail + dates and by mobile + dates; other dates are another stay', async () => {
    const byEmail = await ok({ email: 'morty@example.com', ...dates, status: 'prestay' });
    expect((await ok({ email: 'MORTY@example.com', ...dates, room: '7', status: 'instay' })).stayId).toBe(byEmail.stayId);
    expect((await ok({ email: 'morty@example.com', checkinDate: '2026-05-01', checkoutDate: '2026-05-02', status: 'prestay' })).stayId).not.toBe(
      byEmail.stayId,
    );

    const byMobile = await ok({ mobile: '+46701234567', ...dates, status: 'prestay' });
    const again = await ok({ mobile: '+46 70 123 45 67', ...dates, name: 'Summer Smith', status: 'instay' });
    expect(again.stayId).toBe(byMobile.stayId);
    expect(again.guest).toMatchObject({ guestId: byMobile.guest.guestId, name: 'Summer Smith' });
  });

  it('keeps guests sharing a booking reference apart, and two bookings of one guest on the same dates', async () => {
    const anna = await ok({ bookingReference: 'GROUP-1', email: 'anna@example.com', ...dates, status: 'prestay' });
    const bob = await ok({ bookingReference: 'GROUP-1', email: 'bob@example.com', ...dates, status: 'prestay' });
    expect(bob.stayId).not.toBe(anna.stayId);
    expect((await ok({ bookingReference: 'GROUP-1', email: 'anna@example.com', status: 'instay' })).stayId).toBe(anna.stayId);
    const second = await ok({ bookingReference: 'GROUP-2', email: 'anna@example.com', ...dates, status: 'prestay' });
    expect(second.stayId).not.toBe(anna.stayId);
    expect(second.guest.guestId).toBe(anna.guest.guestId);
  });

  it('discards the client callback when a registration sends none, and keeps other clients\u2019', async () => {
    const other = await createLooponClient(t, accountId);
    const body = { bookingReference: 'CB-1', status: 'instay' };
    const stay = await ok({ ...body, stayCallback: { url: 'https://pms.example.com/mine' } });
    await ok({ ...body, stayCallback: { url: 'https://other.example.com/theirs' } }, { headers: other.headers });
    expect(await listStayCallbacks(t.database.db, t.secrets, accountId, stay.stayId)).toHaveLength(2);
    await ok(body);
    expect((await listStayCallbacks(t.database.db, t.secrets, accountId, stay.stayId)).map((c) => c.url)).toEqual(['https://other.example.com/theirs']);
  });

  it('registers a new anonymous stay each time nothing identifies the guest', async () => {
    const a = await ok({ status: 'instay', room: '9' });
    const b = await ok({ status: 'instay', room: '9' });
    expect(a.stayId).not.toBe(b.stayId);
    expect(a.guest).toBeNull();
    expect(b.guest).toBeNull();
    expect(a.chatSession.sessionId).not.toBe(b.chatSession.sessionId);
    const rows = await t.database.db.selectFrom('stays').select('guest_id').where('id', 'in', [a.stayId, b.stayId]).execute();
    expect(new Set(rows.map((r) => r.guest_id)).size).toBe(2);
  });

  it('shares one guest row with a Loop face Contact of the same e-mail or mobile', async () => {
    const loop = (body: unknown) =>
      t.app.inject({
        method: 'POST',
        url: `/loop/api/v1/Contact?authToken=${loopToken}`,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const contact = await loop({ foreignId: 'pms-77', firstname: 'Beth', lastname: 'Smith', email: 'beth@example.com' });
    expect(contact.statusCode, contact.body).toBe(200);
    const stay = await ok({ name: 'Beth Smith', email: 'Beth@Example.com', ...dates, status: 'prestay' });
    expect(stay.guest.guestId).toBe(decodeId('guest', contact.json().id));

    const byMobile = await loop({ foreignId: 'pms-78', firstname: 'Jerry', mobile: '+15550001111' });
    expect((await ok({ mobile: '+15550001111', status: 'prestay' })).guest.guestId).toBe(decodeId('guest', byMobile.json().id));

    // The other way round: a Loopon guest first, then a Loop Contact matched by e-mail.
    const first = await ok({ name: 'Squanchy', email: 'squanchy@example.com', status: 'prestay' });
    const later = await loop({ firstname: 'Squanchy', email: 'squanchy@example.com', language: 'en' });
    expect(later.json().id).toBe(encodeId('guest', first.guest.guestId));
  });

  it('finds the stay a Loop Contact described by its arrival and departure times (e-mail + dates)', async () => {
    const contact = await t.app.inject({
      method: 'POST',
      url: `/loop/api/v1/Contact?authToken=${loopToken}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        foreignId: 'pms-90',
        email: 'dora@example.com',
        locationId: 'kattegat',
        arrivalTime: '2026-05-01T14:00:00.000Z',
        departureTime: '2026-05-03T10:00:00.000Z',
      }),
    });
    expect(contact.statusCode, contact.body).toBe(200);
    const stay = await ok({ email: 'dora@example.com', checkinDate: '2026-05-01', checkoutDate: '2026-05-03', room: '204', status: 'instay' });
    expect(stay).toMatchObject({ checkinDate: '2026-05-01', checkoutDate: '2026-05-03', room: '204', status: 'instay' });
    const stays = await t.database.db.selectFrom('stays').select('id').where('guest_id', '=', decodeId('guest', contact.json().id)!).execute();
    expect(stays.map((s) => s.id)).toEqual([stay.stayId]);
  });

  it('ends with one stay and one guest when the same new booking is posted concurrently', async () => {
    const body = { bookingReference: 'RACE-1', email: 'race@example.com', mobile: '+46709990000', ...dates, status: 'prestay' };
    const results = await Promise.all(Array.from({ length: 8 }, () => post(body)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    expect(new Set(results.map((r) => r.json().stayId)).size).toBe(1);
    const guests = await t.database.db.selectFrom('guests').select('id').where('account_id', '=', accountId).where('email', '=', 'race@example.com').execute();
    expect(guests).toHaveLength(1);
  });

  it("writes the stay's journey events: registered, then status changes; an identical re-POST writes none", async () => {
    const body = { bookingReference: 'JRN-1', email: 'journey@example.com', room: '1', status: 'prestay' };
    const stay = await ok(body);
    await ok({ ...body, status: 'instay' });
    await ok({ ...body, status: 'instay' });
    await ok({ ...body, status: 'instay', room: '2' });
    const events = (await listJourneyEvents(t.database.db, accountId, stay.guest.guestId)).filter((e) => e.stay_id === stay.stayId);
    expect(events.map((e) => [e.type, e.source, JSON.parse(e.payload)])).toEqual([
      ['stay.registered', 'loopon', expect.objectContaining({ status: 'prestay', bookingReference: 'JRN-1', room: '1' })],
      ['stay.status_changed', 'loopon', { from: 'prestay', to: 'instay' }],
      ['stay.updated', 'loopon', { fields: ['room'] }],
    ]);
  });
});
