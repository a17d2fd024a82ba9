import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { adminIdempotency } from '../src/api/admin/idempotency.js';
import { claimIdempotencyKey, IDEMPOTENCY_TAKEOVER_MS, IDEMPOTENCY_TTL_MS, releaseIdempotencyKey } from '../src/core/idempotency/idempotency-keys.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';

// Issue 9: `Idempotency-Key` on the native admin API's POSTs.
describe.each(dialects())('admin Idempotency-Key on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const post = (token: string, url: string, payload: unknown, key?: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/admin/v1${url}`,
      headers: { authorization: `Bearer ${token}`, ...(key === undefined ? {} : { 'idempotency-key': key }), ...headers },
      payload: payload as any,
    });
  const locations = async (accountId: number) =>
    (await t.database.db.selectFrom('locations').select('id').where('account_id', '=', accountId).execute()).length;
  const keyRows = (accountId: number) => t.database.db.selectFrom('idempotency_keys').selectAll().where('account_id', '=', accountId).execute();

  it('answers a replay with the stored answer and Idempotency-Replayed: true, doing the work once', async () => {
    const { account, adminToken } = await createTestAccount(t);
    const first = await post(adminToken, '/locations', { title: 'Lobby' }, 'create-lobby');
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    // the same JSON, spelled differently, is the same request
    const again = await post(adminToken, '/locations', '{ "title" : "Lobby" }', 'create-lobby', { 'content-type': 'application/json' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.json()).toEqual(first.json());
    expect(await locations(account.id)).toBe(1);
    // without a key, a POST does its work each time
    await post(adminToken, '/locations', { title: 'Lobby' });
    expect(await locations(account.id)).toBe(2);
  });

  it('answers the same key with another body or path with a 422, and changes nothing', async () => {
    const { account, adminToken } = await createTestAccount(t);
    expect((await post(adminToken, '/locations', { title: 'Lobby' }, 'k1')).statusCode).toBe(201);
    const other = await post(adminToken, '/locations', { title: 'Bar' }, 'k1');
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
    expect((await post(adminToken, '/loop-types', { shortcode: 'x', title: 'X' }, 'k1')).statusCode).toBe(422);
    expect(await locations(account.id)).toBe(1);
    expect((await t.app.inject({ url: '/admin/v1/loop-types', headers: { authorization: `Bearer ${adminToken}` } })).json().loopTypes).toEqual([]);
  });

  it('answers a duplicate that arrives while the first still runs with a 409; a key left by a crash is taken over after a minute', async () => {
    const { account, adminToken } = await createTestAccount(t);
    const first = await post(adminToken, '/locations', { title: 'Lobby' }, 'warm-up');
    expect(first.statusCode).toBe(201);
    const credential = (await keyRows(account.id))[0].credential;
    const ref = { accountId: account.id, credential, key: 'running' };
    // another instance has taken the key and is running the request
    const body = JSON.stringify({ title: 'Spa' });
    expect((await claimIdempotencyKey(t.database.db, ref, 'not-used-yet')).outcome).toBe('run');
    await t.database.db
      .updateTable('idempotency_keys')
      .set({ request_hash: (await hashOf(body)) as string })
      .where('key', '=', 'running')
      .execute();
    const duplicate = await post(adminToken, '/locations', body, 'running', { 'content-type': 'application/json' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('idempotency_in_progress');
    expect(await locations(account.id)).toBe(1);
    // that instance died: after a minute the key is free for a retry
    await t.database.db
      .updateTable('idempotency_keys')
      .set({ locked_at: Date.now() - IDEMPOTENCY_TAKEOVER_MS - 1000 })
      .where('key', '=', 'running')
      .execute();
    const retried = await post(adminToken, '/locations', body, 'running', { 'content-type': 'application/json' });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotency-replayed']).toBeUndefined();
    expect(await locations(account.id)).toBe(2);
  });

  it('lets only one of simultaneous duplicates run: the others get a 409 or the replay', async () => {
    const { account, adminToken } = await createTestAccount(t);
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(adminToken, '/locations', { title: 'Lobby' }, 'simultaneous')));
    expect(await locations(account.id)).toBe(1);
    const ran = answers.filter((a) => a.statusCode === 201 && a.headers['idempotency-replayed'] === undefined);
    expect(ran).toHaveLength(1);
    for (const a of answers) {
      if (a === ran[0]) continue;
      if (a.statusCode === 409) expect(a.json().error.code).toBe('idempotency_in_progress');
      else expect([a.statusCode, a.headers['idempotency-replayed'], a.body]).toEqual([201, 'true', ran[0].body]);
    }
  });

  /** The request hash of a POST /admin/v1/locations with `body`, read back from a throwaway key. */
  async function hashOf(body: string) {
    const { account, adminToken } = await createTestAccount(t);
    await post(adminToken, '/locations', body, 'probe', { 'content-type': 'application/json' });
    return (await keyRows(account.id))[0].request_hash;
  }

  it('keeps keys per account and per credential', async () => {
    const a = await createTestAccount(t);
    const b = await createTestAccount(t);
    expect((await post(a.adminToken, '/locations', { title: 'Lobby' }, 'shared')).statusCode).toBe(201);
    const other = await post(b.adminToken, '/locations', { title: 'Lobby' }, 'shared');
    expect(other.statusCode).toBe(201);
    expect(other.headers['idempotency-replayed']).toBeUndefined();
    const second = (await post(a.adminToken, '/credentials', { kind: 'admin' })).json().token;
    const byOtherToken = await post(second, '/locations', { title: 'Lobby' }, 'shared');
    expect(byOtherToken.statusCode).toBe(201);
    expect(byOtherToken.headers['idempotency-replayed']).toBeUndefined();
    expect(await locations(a.account.id)).toBe(2);
    expect(await locations(b.account.id)).toBe(1);
  });

  it('stores 4xx answers too, keeps keys 24 hours and purges expired ones', async () => {
    const { account, adminToken } = await createTestAccount(t);
    const bad = await post(adminToken, '/loop-types', { shortcode: 'x' }, 'bad-body');
    expect(bad.statusCode).toBe(400);
    const replayed = await post(adminToken, '/loop-types', { shortcode: 'x' }, 'bad-body');
    expect(replayed.statusCode).toBe(400);
    expect(replayed.headers['idempotency-replayed']).toBe('true');
    expect(replayed.json()).toEqual(bad.json());

    expect((await post(adminToken, '/locations', { title: 'Lobby' }, 'old')).statusCode).toBe(201);
    await t.database.db
      .updateTable('idempotency_keys')
      .set({ created_at: Date.now() - IDEMPOTENCY_TTL_MS - 1000 })
      .where('account_id', '=', account.id)
      .execute();
    const afterExpiry = await post(adminToken, '/locations', { title: 'Lobby' }, 'old');
    expect(afterExpiry.statusCode).toBe(201);
    expect(afterExpiry.headers['idempotency-replayed']).toBeUndefined();
    expect((await keyRows(account.id)).map((r) => r.key)).toEqual(['old']); // 'bad-body' was purged with the expired ones
  });

  it('refuses an empty key or one over 255 characters with a 400 and does nothing', async () => {
    const { account, adminToken } = await createTestAccount(t);
    for (const key of ['', 'k'.repeat(256)]) {
      const res = await post(adminToken, '/locations', { title: 'Lobby' }, key);
      expect(res.statusCode, `${key.length}`).toBe(400);
      expect(res.json().error.message).toMatch(/Idempotency-Key/);
    }
    expect((await post(adminToken, '/locations', { title: 'Lobby' }, 'k'.repeat(255))).statusCode).toBe(201);
    expect(await locations(account.id)).toBe(1);
  });

  it('covers the imports, and documents the header on every POST of the admin OpenAPI document', async () => {
    const { account, adminToken } = await createTestAccount(t);
    const hotel = (await post(adminToken, '/locations', { title: 'Hotel' })).json();
    const line = JSON.stringify({ unitId: hotel.id, channel: 'google', externalId: 'g1', reviewDate: '2026-05-01', rating: 4 });
    const first = await post(adminToken, '/imports/reviews', line, 'import-1', { 'content-type': 'application/x-ndjson' });
    const again = await post(adminToken, '/imports/reviews', line, 'import-1', { 'content-type': 'application/x-ndjson' });
    expect(again.statusCode).toBe(first.statusCode);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect((await t.database.db.selectFrom('reviews').select('id').where('account_id', '=', account.id).execute()).length).toBeLessThanOrEqual(1);

    const doc = (await t.app.inject({ url: '/admin/openapi.json' })).json();
    const posts = Object.entries<any>(doc.paths).flatMap(([path, ops]) => (ops.post ? [[path, ops.post]] : []));
    expect(posts.length).toBeGreaterThan(10);
    for (const [path, op] of posts) {
      expect(
        op.parameters?.some((p: any) => p.in === 'header' && p.name === 'idempotency-key'),
        path,
      ).toBe(true);
    }
  });

  it('releases the key of a request that failed with a 5xx, and replays Location', async () => {
    const { account } = await createTestAccount(t);
    const app = Fastify();
    let calls = 0;
    await app.register(async (api) => {
      api.addHook('onRequest', async (request) => {
        request.accountId = account.id;
      });
      adminIdempotency(api as any, t.database.db);
      api.post('/jobs', async (_request, reply) => {
        calls++;
        if (calls === 1) return reply.status(503).send({ error: 'busy' });
        return reply.status(202).header('location', `/jobs/${calls}`).send({ jobId: calls });
      });
    });
    const send = () => app.inject({ method: 'POST', url: '/jobs', headers: { authorization: 'Bearer x', 'idempotency-key': 'job' }, payload: { a: 1 } });
    expect((await send()).statusCode).toBe(503);
    const accepted = await send();
    expect(accepted.statusCode).toBe(202);
    const replay = await send();
    expect(replay.statusCode).toBe(202);
    expect(replay.headers.location).toBe('/jobs/2');
    expect(replay.headers['idempotency-replayed']).toBe('true');
    expect(replay.json()).toEqual({ jobId: 2 });
    expect(calls).toBe(2);
    await app.close();

    // the core release frees a running key
    const ref = { accountId: account.id, credential: 'c', key: 'freed' };
    expect((await claimIdempotencyKey(t.database.db, ref, 'h')).outcome).toBe('run');
    expect((await claimIdempotencyKey(t.database.db, ref, 'h')).outcome).toBe('in_progress');
    await releaseIdempotencyKey(t.database.db, ref);
    expect((await claimIdempotencyKey(t.database.db, ref, 'h')).outcome).toBe('run');
  });
});
