import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoIds } from '../src/core/demo/seed-demo.js';
import { encodeId } from '../src/api/loop-v1/ids.js';
import { dialects } from './helpers/database.js';
import type { TestApp } from './helpers/app.js';
import { createLoopDemoApp, loopCall } from './helpers/loop.js';

/*
 * Spec 000 (Loop API v1 - Contact and Contact Event): every curl example replayed with its body
 * against the demo account. Only the host, the ids and the token differ from the document.
 */

const HEX24 = /^[0-9a-f]{24}$/;

describe.each(dialects())('Loop v1 conformance, spec 000 Contact and ContactEvent (%s)', (dialect) => {
  let t: TestApp;
  let token: string;
  let ids: DemoIds;
  let location: string; // the document's 529652b0121d5fa206011a79
  let contactId: string; // the id the insert example returns

  beforeAll(async () => {
    ({ t, token, ids } = await createLoopDemoApp(dialect));
    location = encodeId('location', ids.locations['1300']);
  });
  afterAll(async () => t?.close());

  // curl -i -X POST -HContent-type:application/json --data '{...}' https://host/api/v1/<path>?authToken=xxxx
  const curlPost = (path: string, body: unknown) => loopCall(t, token, 'POST', path, body);

  const guestRow = (id: number) => t.database.db.selectFrom('guests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const stayRow = (guestId: number) => t.database.db.selectFrom('stays').selectAll().where('guest_id', '=', guestId).executeTakeFirstOrThrow();

  it('Insert a Keyed Contact: Example', async () => {
    const res = await curlPost('Contact', {
      foreignId: 'abc123',
      locationId: location,
      firstname: 'Rick',
      lastname: 'Sanchez',
      email: 'rs@abc.com',
      mobile: '16135551234',
      language: 'en',
      arrivalTime: '2018-02-01T11:00:00.000Z',
      departureTime: '2018-02-04T13:15:00.000Z',
      checkedInStatus: 'false',
      vipStatus: 'Gold',
      groupName: 'Rick&Morty',
      customFields: [{ guestID: '188551' }, { loyalty: '3883882' }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['id', 'status']);
    expect(body.status).toBe('Success');
    expect(body.id).toMatch(HEX24);
    // The demo already holds abc123, so the keyed insert lands on that same contact.
    expect(body.id).toBe(encodeId('guest', ids.contact));
    contactId = body.id;

    const guest = await guestRow(ids.contact);
    expect(guest).toMatchObject({ first_name: 'Rick', last_name: 'Sanchez', name: 'Rick Sanchez', email: 'rs@abc.com', mobile: '+16135551234' });
    expect(guest).toMatchObject({ language: 'en', vip_status: 'Gold', group_name: 'Rick&Morty' });
    expect(JSON.parse(guest.custom_fields)).toMatchObject({ guestID: '188551', loyalty: '3883882' });
    const stay = await stayRow(ids.contact);
    expect(stay).toMatchObject({ location_id: ids.locations['1300'], status: 'prestay' });
    expect(stay.arrival_at).toBe(Date.parse('2018-02-01T11:00:00.000Z'));
    expect(stay.departure_at).toBe(Date.parse('2018-02-04T13:15:00.000Z'));
  });

  it('Update a Keyed Contact: Example', async () => {
    const res = await curlPost('Contact', { foreignId: 'abc123', checkedInStatus: 'true', room: '4101', mobile: '16135551233' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'Success', id: contactId });

    const guest = await guestRow(ids.contact);
    expect(guest.mobile).toBe('+16135551233');
    expect(guest.email).toBe('rs@abc.com'); // not sent, unchanged
    const stay = await stayRow(ids.contact);
    expect(stay).toMatchObject({ room: '4101', status: 'instay', location_id: ids.locations['1300'] });
  });

  it('ContactEvent by Reference: Example (event + foreignId)', async () => {
    const res = await curlPost('ContactEvent', { event: 'checkin', foreignId: 'abc123' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'Success' });
    const events = await t.database.db.selectFrom('journey_events').selectAll().where('guest_id', '=', ids.contact).execute();
    expect(events.map((e) => e.type)).toContain('stay.checked_in');
  });

  it('ContactEvent by Reference: Example (Event + contactId)', async () => {
    // The document's contactId ends with a typographic quote; the id is the one Contact returned.
    const res = await curlPost('ContactEvent', { Event: 'checkout', contactId });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'Success' });
    expect((await stayRow(ids.contact)).status).toBe('poststay');
  });

  it('ContactEvent by Inclusion: Example', async () => {
    const res = await curlPost('ContactEvent', {
      event: 'roomready',
      foreignId: 'abc123',
      location,
      name: 'Rick Sanchez',
      email: 'rs@abc.com',
      mobile: '16135551234',
      language: 'en',
      arrivalTime: '2018-02-01T11:00:00.000Z',
      departureTime: '2018-02-04T13:15:00.000Z',
      checkedInStatus: 'false',
      vipStatus: 'Gold',
      groupName: 'Rick&Morty',
      customFields: [{ guestID: '188551' }, { loyalty: '3883882' }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'Success' });

    const guest = await guestRow(ids.contact);
    expect(guest).toMatchObject({ name: 'Rick Sanchez', mobile: '+16135551234' });
    const events = await t.database.db.selectFrom('journey_events').selectAll().where('guest_id', '=', ids.contact).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['stay.checked_in', 'stay.checked_out', 'stay.room_readied']);
    const roomready = events[2];
    expect(roomready.location_id).toBe(ids.locations['1300']);
    expect(JSON.parse(roomready.payload)).toMatchObject({ foreignId: 'abc123', vipStatus: 'Gold' });
    // roomready means the guest is in the room
    expect((await stayRow(ids.contact)).status).toBe('instay');
  });

  it('never answered with a 500', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    const errors = t.logs.map((l) => JSON.parse(l)).filter((l) => l.level >= 50 || l.res?.statusCode >= 500);
    expect(errors).toEqual([]);
  });
});
