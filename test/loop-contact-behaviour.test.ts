import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoIds } from '../src/core/demo/seed-demo.js';
import { decodeId, encodeId } from '../src/api/loop-v1/ids.js';
import { dialects } from './helpers/database.js';
import type { TestApp } from './helpers/app.js';
import { createLoopDemoApp, loopCall } from './helpers/loop.js';

/* Contact and ContactEvent behaviour: what lands in guests, stays and journey_events. */

describe.each(dialects())('Loop v1 Contact and ContactEvent behaviour (%s)', (dialect) => {
  let t: TestApp;
  let token: string;
  let ids: DemoIds;
  let location: string;

  beforeAll(async () => {
    ({ t, token, ids } = await createLoopDemoApp(dialect));
    location = encodeId('location', ids.locations['1200']);
  });
  afterAll(async () => t?.close());

  const send = (method: 'POST' | 'DELETE', path: string, body?: unknown) => loopCall(t, token, method, path, body);
  const guestOf = (hexId: string) => decodeId('guest', hexId)!;
  const guest = (id: number) => t.database.db.selectFrom('guests').selectAll().where('id', '=', id).executeTakeFirst();
  const stays = (guestId: number) => t.database.db.selectFrom('stays').selectAll().where('guest_id', '=', guestId).execute();
  const events = (guestId: number) => t.database.db.selectFrom('journey_events').selectAll().where('guest_id', '=', guestId).orderBy('id').execute();

  it('Contact insert then update keeps the id and changes only the fields sent', async () => {
    const first = await send('POST', 'Contact', {
      foreignId: 'b-1',
      locationId: location,
      firstname: 'Beth',
      lastname: 'Smith',
      email: 'Beth@Example.com',
      mobile: '16135550101',
      language: 'en',
      vipStatus: 'Silver',
      arrivalTime: '2030-01-01T15:00:00Z',
      customFields: [{ guestID: '1' }, { loyalty: 'L1' }],
    });
    expect(first.statusCode, first.body).toBe(200);
    const id = first.json().id;
    const before = (await guest(guestOf(id)))!;

    const second = await send('POST', 'Contact', { foreignId: 'b-1', lastname: 'Sanchez', room: '12', customFields: { loyalty: 'L2' } });
    expect(second.json()).toEqual({ status: 'Success', id });
    const after = (await guest(guestOf(id)))!;
    expect(after).toMatchObject({
      first_name: 'Beth',
      last_name: 'Sanchez',
      name: 'Beth Sanchez',
      email: 'beth@example.com',
      mobile: before.mobile,
      language: 'en',
      vip_status: 'Silver',
    });
    expect(JSON.parse(after.custom_fields)).toEqual({ guestID: '1', loyalty: 'L2' });
    const [stay] = await stays(guestOf(id));
    expect(stay).toMatchObject({ location_id: ids.locations['1200'], room: '12', arrival_at: Date.parse('2030-01-01T15:00:00Z'), status: 'prestay' });
    expect(await stays(guestOf(id))).toHaveLength(1);
  });

  it('checkedInStatus accepts "true"/"false" strings and booleans', async () => {
    const id = (await send('POST', 'Contact', { foreignId: 'ci-1', checkedInStatus: 'true' })).json().id;
    const status = async () => (await stays(guestOf(id)))[0].status;
    expect(await status()).toBe('instay');
    expect((await send('POST', 'Contact', { foreignId: 'ci-1', checkedInStatus: 'false' })).statusCode).toBe(200);
    expect(await status()).toBe('prestay');
    expect((await send('POST', 'Contact', { foreignId: 'ci-1', checkedInStatus: true })).statusCode).toBe(200);
    expect(await status()).toBe('instay');
    expect((await send('POST', 'Contact', { foreignId: 'ci-1', checkedInStatus: false })).statusCode).toBe(200);
    expect(await status()).toBe('prestay');
  });

  it('a resent Contact is stored as sent after a ContactEvent, a DELETE or a change of the stored guest', async () => {
    const body = { foreignId: 'rs-1', locationId: location, firstname: 'Rae', email: 'rs1@example.com', checkedInStatus: 'false', room: '3' };
    const id = (await send('POST', 'Contact', body)).json().id;
    expect((await send('POST', 'Contact', body)).json()).toEqual({ status: 'Success', id });
    // The checkin moves the stay; the PMS then resends the contact as it knows it.
    expect((await send('POST', 'ContactEvent', { event: 'checkin', foreignId: 'rs-1' })).statusCode).toBe(200);
    expect((await stays(guestOf(id)))[0].status).toBe('instay');
    expect((await send('POST', 'Contact', body)).json()).toEqual({ status: 'Success', id });
    expect((await stays(guestOf(id)))[0]).toMatchObject({ status: 'prestay', room: '3' });

    await t.database.db.updateTable('guests').set({ first_name: 'Changed' }).where('id', '=', guestOf(id)).execute();
    expect((await send('POST', 'Contact', body)).json()).toEqual({ status: 'Success', id });
    expect((await guest(guestOf(id)))?.first_name).toBe('Rae');

    expect((await send('DELETE', 'Contact', { foreignId: 'rs-1' })).statusCode).toBe(200);
    const again = (await send('POST', 'Contact', body)).json();
    expect(again.id).not.toBe(id);
    expect(await guest(guestOf(again.id))).toMatchObject({ first_name: 'Rae', email: 'rs1@example.com' });
  });

  it('DELETE Contact by foreignId (JSON body) and by id; a repeat is a 404', async () => {
    const a = (await send('POST', 'Contact', { foreignId: 'del-1', email: 'del1@example.com' })).json().id;
    const b = (await send('POST', 'Contact', { foreignId: 'del-2', email: 'del2@example.com' })).json().id;

    const byKey = await send('DELETE', 'Contact', { foreignId: 'del-1' });
    expect(byKey.statusCode, byKey.body).toBe(200);
    expect(byKey.json()).toEqual({ status: 'Success', id: a });
    expect(await guest(guestOf(a))).toBeUndefined();
    const again = await send('DELETE', 'Contact', { foreignId: 'del-1' });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ status: 'Error', code: 'not_found' });

    const byId = await send('DELETE', 'Contact', { id: b });
    expect(byId.json()).toEqual({ status: 'Success', id: b });
    expect(await guest(guestOf(b))).toBeUndefined();
    expect((await send('DELETE', 'Contact', { id: b })).statusCode).toBe(404);
    // the key went with the guest: the foreignId is free for a new contact
    const fresh = (await send('POST', 'Contact', { foreignId: 'del-2', email: 'del2@example.com' })).json().id;
    expect(fresh).not.toBe(b);
  });

  it('ContactEvent by reference (event, Event, contactId) lands on the journey timeline and moves the stay', async () => {
    const id = (await send('POST', 'Contact', { foreignId: 'ev-1', locationId: location, email: 'ev1@example.com' })).json().id;
    const guestId = guestOf(id);

    const checkin = await send('POST', 'ContactEvent', { event: 'checkin', foreignId: 'ev-1', timestamp: '2030-01-01T16:00:00Z' });
    expect(checkin.statusCode, checkin.body).toBe(200);
    expect(checkin.json()).toEqual({ status: 'Success' });
    expect((await stays(guestId))[0].status).toBe('instay');

    expect((await send('POST', 'ContactEvent', { Event: 'roomready', foreignId: 'ev-1' })).statusCode).toBe(200);
    expect((await send('POST', 'ContactEvent', { Event: 'checkout', contactId: id })).statusCode).toBe(200);
    expect((await stays(guestId))[0].status).toBe('poststay');

    const timeline = await events(guestId);
    // stored under the journey event types the Loop words stand for (api/loop-v1/journey-event-words.ts)
    expect(timeline.map((e) => e.type)).toEqual(['stay.checked_in', 'stay.room_readied', 'stay.checked_out']);
    expect(timeline[0]).toMatchObject({
      type: 'stay.checked_in',
      occurred_at: Date.parse('2030-01-01T16:00:00Z'),
      location_id: ids.locations['1200'],
      stay_id: (await stays(guestId))[0].id,
    });
    expect(JSON.parse(timeline[0].payload)).toMatchObject({ foreignId: 'ev-1' });
    expect(typeof timeline[2].occurred_at).toBe('number');
  });

  it('ContactEvent by inclusion creates the contact for an unknown foreignId and updates a known one', async () => {
    const body = {
      event: 'checkin',
      foreignId: 'inc-1',
      location,
      name: 'Jerry Smith',
      email: 'jerry@example.com',
      checkedInStatus: 'false',
      customFields: [{ guestID: '77' }],
    };
    const created = await send('POST', 'ContactEvent', body);
    expect(created.statusCode, created.body).toBe(200);
    const key = await t.database.db.selectFrom('guest_keys').selectAll().where('source', '=', 'loop').where('key', '=', 'inc-1').executeTakeFirstOrThrow();
    const row = (await guest(key.guest_id))!;
    expect(row).toMatchObject({ name: 'Jerry Smith', first_name: 'Jerry', last_name: 'Smith', email: 'jerry@example.com' });
    expect((await stays(key.guest_id))[0]).toMatchObject({ status: 'instay', location_id: ids.locations['1200'] });

    const updated = await send('POST', 'ContactEvent', { event: 'checkout', foreignId: 'inc-1', mobile: '16135550999', room: '7' });
    expect(updated.statusCode).toBe(200);
    const same = await t.database.db.selectFrom('guest_keys').selectAll().where('key', '=', 'inc-1').execute();
    expect(same).toHaveLength(1);
    expect((await guest(key.guest_id))!).toMatchObject({ name: 'Jerry Smith', mobile: '+16135550999' });
    expect(await stays(key.guest_id)).toHaveLength(1);
    expect((await stays(key.guest_id))[0]).toMatchObject({ status: 'poststay', room: '7' });
    const timeline = await events(key.guest_id);
    expect(timeline.map((e) => [e.type, e.location_id])).toEqual([
      ['stay.checked_in', ids.locations['1200']],
      ['stay.checked_out', ids.locations['1200']],
    ]);
  });

  it('ContactEvent by reference to an unknown foreignId or contactId is a 404 and records nothing', async () => {
    const before = await t.database.db.selectFrom('journey_events').select('id').execute();
    const unknownKey = await send('POST', 'ContactEvent', { event: 'checkin', foreignId: 'nobody' });
    expect(unknownKey.statusCode).toBe(404);
    expect(unknownKey.json()).toMatchObject({ status: 'Error', code: 'not_found', message: expect.any(String) });
    const unknownId = await send('POST', 'ContactEvent', { event: 'checkin', contactId: encodeId('guest', 999_999) });
    expect(unknownId.statusCode).toBe(404);
    expect(await t.database.db.selectFrom('journey_events').select('id').execute()).toHaveLength(before.length);
    expect(await t.database.db.selectFrom('guest_keys').selectAll().where('key', '=', 'nobody').execute()).toEqual([]);
  });

  it('ContactEvent without an event, or without any contact reference, is a 400', async () => {
    expect((await send('POST', 'ContactEvent', { foreignId: 'ev-1' })).statusCode).toBe(400);
    expect((await send('POST', 'ContactEvent', { event: 'checkin' })).statusCode).toBe(400);
  });

  it('a new foreignId sharing the e-mail of another keyed contact is a new contact; deleting one keeps the other', async () => {
    const anna = await send('POST', 'Contact', { foreignId: 'sib-1', firstname: 'Anna', email: 'family@example.com' });
    const bob = await send('POST', 'Contact', { foreignId: 'sib-2', firstname: 'Bob', email: 'family@example.com' });
    expect(bob.json().id).not.toBe(anna.json().id);
    expect((await guest(guestOf(anna.json().id)))!.first_name).toBe('Anna');
    expect((await send('DELETE', 'Contact', { foreignId: 'sib-2' })).statusCode).toBe(200);
    expect(await guest(guestOf(anna.json().id))).toBeDefined();
    expect((await send('POST', 'ContactEvent', { event: 'checkin', foreignId: 'sib-1' })).statusCode).toBe(200);
    // The spec's insert example with a fresh foreignId is a new contact, not the demo's abc123.
    const demo = await send('POST', 'Contact', { foreignId: 'abc123' });
    const fresh = await send('POST', 'Contact', { foreignId: 'abc124', firstname: 'Rick', lastname: 'Sanchez', email: 'rs@abc.com' });
    expect(fresh.json().id).not.toBe(demo.json().id);
  });

  it('a foreignId for a guest met through another face (same e-mail, no Loop key) names that guest', async () => {
    const invited = await send('POST', 'invite/url', { name: 'Ines Invite', email: 'ines@example.com' });
    expect(invited.statusCode).toBe(200);
    const keyed = await send('POST', 'Contact', { foreignId: 'ines-1', email: 'INES@example.com', firstname: 'Ines' });
    expect(keyed.json().id).toBe(invited.json().guestId);
  });

  it('reads dates as PMS interfaces write them: epoch seconds or ms, no zone (UTC), +01 offsets, RFC 2822 comments', async () => {
    const cases: Array<[unknown, string]> = [
      [1893510000, '2030-01-01T15:00:00.000Z'],
      [1893510000000, '2030-01-01T15:00:00.000Z'],
      ['1893510000', '2030-01-01T15:00:00.000Z'],
      ['2030-01-01T15:00:00', '2030-01-01T15:00:00.000Z'],
      ['2030-01-01t16:00:00+01', '2030-01-01T15:00:00.000Z'],
      ['Tue, 01 Jan 2030 15:00:00 +0000 (UTC)', '2030-01-01T15:00:00.000Z'],
    ];
    for (const [i, [arrivalTime, iso]] of cases.entries()) {
      const res = await send('POST', 'Contact', { foreignId: `dates-${i}`, locationId: location, arrivalTime });
      expect(res.statusCode, String(arrivalTime)).toBe(200);
      const [stay] = await stays(guestOf(res.json().id));
      expect(new Date(Number(stay.arrival_at)).toISOString(), String(arrivalTime)).toBe(iso);
    }
    expect((await send('POST', 'Contact', { foreignId: 'dates-bad', arrivalTime: '2030-02-30' })).statusCode).toBe(400);
  });

  it('one mobile number written the international ways is one guest: +46 (0)70..., 0046..., +46 70...', async () => {
    const first = await send('POST', 'Contact', { foreignId: 'tel-1', mobile: '+46 (0)70-111 22 33' });
    const guestId = guestOf(first.json().id);
    expect((await guest(guestId))!.mobile).toBe('+46701112233');
    const invite = await send('POST', 'invite/url', { sms: '0046 70 111 22 33' });
    expect(invite.json().guestId).toBe(first.json().id);
  });

  it('never answered with a 500', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    const errors = t.logs.map((l) => JSON.parse(l)).filter((l) => l.level >= 50 || l.res?.statusCode >= 500);
    expect(errors).toEqual([]);
  });
});
