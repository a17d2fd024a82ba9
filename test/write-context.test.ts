import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation } from '../src/core/locations/locations.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { createLooponClient } from './helpers/loopon.js';

// The write context: every change a request makes carries its actor and request id to the domain
// events it emits, stored on each delivery and shown by the admin API. No worker runs here: the
// deliveries stay pending, which is all this test reads.

describe.each(dialects())('write context on %s', (dialect) => {
  let t: TestApp;
  let adminToken: string;
  let loopToken: string;
  let accountId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect, { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
    ({
      adminToken,
      loopToken,
      account: { id: accountId },
    } = await createTestAccount(t));
    const res = await admin('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['*'] });
    expect(res.statusCode, res.body).toBe(201);
  });
  afterAll(async () => t?.close());

  function admin(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, requestId?: string) {
    return t.app.inject({
      method,
      url: `/admin/v1${url}`,
      headers: { authorization: `Bearer ${adminToken}`, ...(requestId ? { 'x-request-id': requestId } : {}) },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }
  /** The account's deliveries of `eventType` as the admin API lists them, oldest first. */
  const deliveriesOf = async (eventType: string) => {
    const res = await admin('GET', '/deliveries?limit=200');
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().deliveries as Array<Record<string, unknown>>).filter((d) => d.eventType === eventType).reverse();
  };

  it('a Loop v1 Contact names the Loop token and its request id on guest.created', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/loop/api/v1/Contact?authToken=${loopToken}`,
      headers: { 'content-type': 'application/json', 'x-request-id': 'loop-req-1' },
      payload: JSON.stringify({ foreignId: 'wc-1', firstname: 'Ada', email: 'ada-wc@example.test' }),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['x-request-id']).toBe('loop-req-1');
    const [created] = await deliveriesOf('guest.created');
    expect(created).toMatchObject({ actor: 'api-token:loop', requestId: 'loop-req-1' });
  });

  it('an admin change names the admin token and the request id the server gave it', async () => {
    const res = await admin('POST', '/guests', { email: 'grace-wc@example.test', firstName: 'Grace' });
    expect(res.statusCode, res.body).toBe(201);
    const requestId = res.headers['x-request-id'];
    expect(requestId).toEqual(expect.any(String));
    const id = res.json().guest.id;
    const patched = await admin('PATCH', `/guests/${id}`, { lastName: 'Hopper' }, 'admin-req-7');
    expect(patched.statusCode, patched.body).toBe(200);
    const created = (await deliveriesOf('guest.created')).find((d) => d.requestId === requestId);
    expect(created).toMatchObject({ actor: 'admin' });
    const [updated] = await deliveriesOf('guest.updated');
    expect(updated).toMatchObject({ actor: 'admin', requestId: 'admin-req-7' });
    // The event's stored payload carries them too (the webhook body is {type, timestamp, data}).
    const row = await t.database.db
      .selectFrom('deliveries')
      .select('payload')
      .where('id', '=', updated.id as number)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.payload)).toMatchObject({ actor: 'admin', requestId: 'admin-req-7' });
  });

  it('a Loopon stay registration names the API client', async () => {
    const unit = await createLocation(t.database.db, accountId, { title: { en: 'Write Context Hotel' } });
    const client = await createLooponClient(t, accountId);
    const row = await t.database.db.selectFrom('oauth_clients').select('id').where('client_id', '=', client.clientId).executeTakeFirstOrThrow();
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit.id}/stays`,
      headers: { ...client.headers, 'content-type': 'application/json', 'x-request-id': 'loopon-req-3' },
      payload: JSON.stringify({ status: 'prestay', name: 'Lin', email: 'lin-wc@example.test', checkinDate: '2026-03-01', checkoutDate: '2026-03-04' }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const [registered] = await deliveriesOf('stay.registered');
    expect(registered).toMatchObject({ actor: `api-client:${row.id}`, requestId: 'loopon-req-3' });
  });

  it('the CLI and jobs write as themselves: a write without a request has no request id', async () => {
    const { writeContext } = await import('../src/core/shared/write-context.js');
    const { createGuest } = await import('../src/core/guests/guests.js');
    const { inWriteTransaction } = await import('../src/db/write-transaction.js');
    await inWriteTransaction(t.database.db, (trx) => createGuest(writeContext(trx, accountId), { email: 'system-wc@example.test' }));
    const created = (await deliveriesOf('guest.created')).at(-1);
    expect(created).toMatchObject({ actor: 'system', requestId: null });
  });
});
