import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { runCli } from './helpers/cli.js';
import { dialects } from './helpers/database.js';
import { loopCall } from './helpers/loop.js';

// Issue 11: `openstay import contacts` brings the guest history of the product a hotel leaves, so
// that the first ContactEvent after the move finds its guest.

const LOC = '529652b0121d5fa206011a79';
const GUEST = '571a2c54dffdba13dec03713';
const body = (lines: unknown[]) => `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;

describe.each(dialects())('contacts import on %s', (dialect) => {
  let t: TestApp;
  let admin: string;
  let loop: string;
  let accountId: number;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const created = await createAccountWithCredentials(t.database.db, 'sea-hotels');
    ({ adminToken: admin, loopToken: loop } = created);
    accountId = created.account.id;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-contacts-'));
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/v1/imports/config',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
      payload: body([{ kind: 'location', ids: { loop: LOC, loopon: 1204 }, shortcode: '1234', title: 'Kattegat' }]),
    });
    expect(res.json()).toMatchObject({ create: 1, failedCount: 0 });
  });
  afterAll(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = (lines: unknown[]) =>
    t.app.inject({
      method: 'POST',
      url: '/admin/v1/imports/contacts',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
      payload: body(lines),
    });
  const guests = () => t.database.db.selectFrom('guests').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  const stays = () => t.database.db.selectFrom('stays').selectAll().where('account_id', '=', accountId).orderBy('id').execute();

  const ANN = {
    ids: { loop: GUEST },
    foreignId: 'PMS-1001',
    keys: [{ source: 'crm', key: 'C-77' }],
    firstName: 'Ann',
    lastName: 'Lind',
    email: 'Ann.Lind@Example.com',
    stays: [
      { ref: 'R-1', location: { loop: LOC }, arrival: '2025-06-01T14:00:00Z', departure: '2025-06-04T10:00:00Z', room: '12', status: 'poststay' },
      { bookingReference: 'B-2', location: 1204, arrival: '2026-01-10T14:00:00Z', departure: '2026-01-12T10:00:00Z', status: 'poststay' },
    ],
  };

  it('imports a contact with its keys, former id and past stays; again, nothing is duplicated', async () => {
    const res = await post([ANN, { email: 'bob@example.com', name: 'Bob' }, { name: 'Nobody' }, { foreignId: 'X', stays: [{ room: '1' }] }]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      imported: 2,
      failedCount: 2,
      failed: [
        { line: 3, error: expect.stringContaining('needs ids.loop, a key') },
        { line: 4, error: expect.stringContaining('needs a ref') },
      ],
    });
    expect((await guests()).map((g) => g.email)).toEqual(['ann.lind@example.com', 'bob@example.com']);
    expect((await stays()).map((s) => [s.room, s.status, s.checkin_date])).toEqual([
      ['12', 'poststay', '2025-06-01'],
      [null, 'poststay', '2026-01-10'],
    ]);
    const again = await post([ANN]);
    expect(again.json()).toMatchObject({ imported: 1, failedCount: 0 });
    expect(await guests()).toHaveLength(2);
    expect(await stays()).toHaveLength(2);
  });

  it('the first ContactEvent after the move finds the guest by its key, and the Loop face by its former id', async () => {
    const event = await loopCall(t, loop, 'POST', 'ContactEvent', { event: 'checkin', foreignId: 'PMS-1001' });
    expect(event.statusCode, event.body).toBe(200);
    expect(await guests()).toHaveLength(2);
    const ann = (await guests()).find((g) => g.email === 'ann.lind@example.com')!;
    const journey = await t.database.db.selectFrom('journey_events').select(['guest_id', 'type']).where('account_id', '=', accountId).execute();
    expect(journey).toEqual([expect.objectContaining({ guest_id: ann.id })]);
    const contact = await loopCall(t, loop, 'POST', 'Contact', { id: GUEST, name: 'Ann Lind' });
    expect(contact.statusCode, contact.body).toBe(200);
    expect(contact.json().id).toBe(GUEST);
  });

  it('goes through identity resolution: a known e-mail is the same guest; a line is atomic', async () => {
    const res = await post([{ keys: [{ source: 'opera', key: 'O-1' }], email: 'bob@example.com', stays: [{ ref: 'x', arrival: '2024-01-01T00:00:00Z' }] }]);
    expect(res.json()).toMatchObject({ imported: 1, failedCount: 0 });
    expect(await guests()).toHaveLength(2);
    // The second key names Ann: nothing of the line (its guest, its stay) is written.
    const clash = await post([
      { foreignId: 'NEW-1', keys: [{ source: 'crm', key: 'C-77' }], email: 'carl@example.com', stays: [{ ref: 'y', arrival: '2024-02-01T00:00:00Z' }] },
    ]);
    expect(clash.json()).toMatchObject({ imported: 0, failedCount: 1, failed: [{ line: 1, error: expect.stringContaining('crm:C-77') }] });
    expect(await guests()).toHaveLength(2);
    expect(await stays()).toHaveLength(3);
  });

  it('openstay import contacts --account', async () => {
    const file = path.join(dir, 'contacts.jsonl');
    fs.writeFileSync(file, body([{ foreignId: 'PMS-2002', name: 'Dora', mobile: '+46701234567' }]));
    const res = await runCli(['import', 'contacts', file, '--account', 'sea-hotels', '--json'], { DATABASE_URL: t.database.url });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ kind: 'contacts', imported: 1, failedCount: 0 });
    expect(await guests()).toHaveLength(3);
  });
});
