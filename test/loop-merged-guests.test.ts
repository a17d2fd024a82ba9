import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId, encodeId } from '../src/api/loop-v1/ids.js';
import { adminCall } from './helpers/admin.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';

// A merged-away guest's Loop id keeps answering, as the survivor, wherever the Loop face reads a contact id.
describe.each(dialects())('Loop v1 ids of merged guests (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());
  const admin = adminCall(() => t);

  /** An account with a location and loop type, two Loop contacts each with a loop, the second merged into the first. */
  async function mergedContacts() {
    const { adminToken, loopToken } = await createTestAccount(t);
    const location = (await admin(adminToken, 'POST', '/locations', { title: 'Lobby' })).json().id as number;
    expect((await admin(adminToken, 'POST', '/loop-types', { shortcode: 'housekeeping', title: 'Housekeeping' })).statusCode).toBe(201);
    const loop = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => loopCall(t, loopToken, method, path, body);
    const contact = async (foreignId: string, firstname: string) => {
      const res = await loop('POST', 'Contact', { foreignId, firstname, email: `${foreignId}@example.test` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().id as string;
    };
    const survivor = await contact('S-1', 'Sam');
    const old = await contact('O-1', 'Olga');
    const opened: string[] = [];
    for (const customer of [survivor, old]) {
      const res = await loop('POST', 'loops', {
        location: encodeId('location', location),
        loopType: 'housekeeping',
        description: `towels for ${customer}`,
        customer,
      });
      expect(res.statusCode, res.body).toBe(200);
      opened.push(res.json().id);
    }
    const merged = await admin(adminToken, 'POST', '/guests/merge', { survivorId: decodeId('guest', survivor), otherId: decodeId('guest', old) });
    expect(merged.statusCode, merged.body).toBe(200);
    return { adminToken, loop, survivor, old, opened };
  }

  it("GET /loops?customer=<old id> lists the survivor's loops, the merged guest's included", async () => {
    const { loop, survivor, old, opened } = await mergedContacts();
    const byOld = await loop('GET', `loops?customer=${old}`);
    expect(byOld.statusCode, byOld.body).toBe(200);
    expect(
      byOld
        .json()
        .loops.map((l: { id: string }) => l.id)
        .sort(),
    ).toEqual([...opened].sort());
    expect(byOld.json().loops.every((l: { creatorId: string }) => l.creatorId === survivor)).toBe(true);
    expect((await loop('GET', `loops?customer=${survivor}`)).json()).toEqual(byOld.json());
  });

  it('Contact POST by the old id updates the survivor; ContactEvent by contactId lands on its journey', async () => {
    const { adminToken, loop, survivor, old } = await mergedContacts();
    const updated = await loop('POST', 'Contact', { id: old, lastname: 'Surv' });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().id).toBe(survivor);
    const event = await loop('POST', 'ContactEvent', { contactId: old, event: 'checkin' });
    expect(event.statusCode, event.body).toBe(200);
    const survivorId = decodeId('guest', survivor)!;
    const journey = await t.database.db
      .selectFrom('journey_events')
      .select(['guest_id', 'type'])
      .where('guest_id', 'in', [survivorId, decodeId('guest', old)!])
      .execute();
    expect(journey).toEqual([{ guest_id: survivorId, type: 'stay.checked_in' }]);
    expect((await admin(adminToken, 'GET', `/guests/${decodeId('guest', old)}`)).json()).toMatchObject({ id: survivorId, lastName: 'Surv' });
  });

  it('Contact DELETE by the old id deletes the survivor and the guest merged into it', async () => {
    const { adminToken, loop, survivor, old } = await mergedContacts();
    const deleted = await loop('DELETE', `Contact?id=${old}`);
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json()).toEqual({ status: 'Success', id: survivor });
    for (const id of [survivor, old]) {
      expect((await loop('GET', `loops?customer=${id}`)).statusCode).toBe(404);
      expect((await admin(adminToken, 'GET', `/guests/${decodeId('guest', id)}`)).statusCode).toBe(404);
    }
  });

  it('a foreignId of the merged guest names the survivor, until the key is split off again', async () => {
    const { adminToken, loop, survivor, old } = await mergedContacts();
    expect((await loop('POST', 'Contact', { foreignId: 'O-1', lastname: 'Keyed' })).json().id).toBe(survivor);
    const split = await admin(adminToken, 'POST', `/guests/${decodeId('guest', survivor)}/split`, { key: 'loop:O-1' });
    expect(split.statusCode, split.body).toBe(200);
    expect(split.json().splitOff.id).toBe(decodeId('guest', old));
    expect((await loop('POST', 'Contact', { foreignId: 'O-1', lastname: 'Back' })).json().id).toBe(old);
    expect((await loop('GET', `loops?customer=${old}`)).json().loops).toHaveLength(1);
  });
});
