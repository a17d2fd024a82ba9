import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvaluation } from '../src/core/feedback/evaluations.js';
import { startJobWorker, type JobHandlers, type JobWorker } from '../src/core/jobs/job-worker.js';
import { appendJobInput, createJob, queueJob } from '../src/core/jobs/jobs.js';
import { createLocation } from '../src/core/locations/locations.js';
import { IMPORT_JOB_KIND, importJobHandler } from '../src/api/imports/import-job.js';
import { jobHandlers } from '../src/server/job-handlers.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { waitUntil } from './helpers/wait.js';

// Bounded imports: the first 100 failures and a true count, bodies over 1 MiB run as jobs whose
// status is readable, a crashed run resumes without importing a line twice, and a junk import
// leaves the server answering with its memory bounded.
describe.each(dialects())('admin import jobs on %s', (dialect) => {
  let t: TestApp;
  let worker: JobWorker;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    worker = startJobWorker({ db: t.database.db, handlers: jobHandlers(), pollMs: 20 });
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  const post = (token: string, kind: string, body: string) =>
    t.app.inject({
      method: 'POST',
      url: `/admin/v1/imports/${kind}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      payload: body,
    });
  /** The app's port, listening on an ephemeral one the first time. */
  const listening = async () => {
    if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
    return (t.app.server.address() as AddressInfo).port;
  };
  const get = (token: string, url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  async function hotel() {
    const { account, adminToken } = await createTestAccount(t);
    const unit = await createLocation(t.database.db, account.id, { title: { en: 'Hotel' }, propertyCode: 'H1' });
    return { accountId: account.id, adminToken, unitId: unit.id };
  }
  const snapshot = (unitId: number, day: number) => JSON.stringify({ unitId, date: `2026-01-${String(day).padStart(2, '0')}`, score: 7 });
  const snapshots = (accountId: number) => t.database.db.selectFrom('reputation_snapshots').select('day').where('account_id', '=', accountId).execute();

  it('answers a small body at once with the first 100 failures and the true count', async () => {
    const { accountId, adminToken, unitId } = await hotel();
    const lines = [
      snapshot(unitId, 1),
      ...Array.from({ length: 150 }, (_, i) => (i % 2 ? 'x' : '{"unitId": 999999, "date": "2026-01-01", "score": 1}')),
      snapshot(unitId, 2),
    ];
    const res = await post(adminToken, 'reputation', lines.join('\n'));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ imported: 2, failedCount: 150 });
    expect(body.failed).toHaveLength(100);
    expect(body.failed.map((f: { line: number }) => f.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    expect(body.failed[0]).toEqual({ line: 2, error: 'unit 999999 does not exist' });
    expect(body.failed[1]).toEqual({ line: 3, error: 'not valid JSON' });
    expect(await snapshots(accountId)).toHaveLength(2);
  });

  it('stores a body over 1 MiB and imports it in the background: 202, then status, progress and failures', async () => {
    const { accountId, adminToken, unitId } = await hotel();
    const good = Array.from({ length: 28 }, (_, i) => snapshot(unitId, i + 1));
    const lines = [...good.slice(0, 14), ...Array.from({ length: 150 }, () => 'x'.repeat(9000)), ...good.slice(14)];
    const body = lines.join('\n');
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const res = await post(adminToken, 'reputation', body);
    expect(res.statusCode, res.body).toBe(202);
    const { jobId, status, statusUrl } = res.json();
    expect(status).toBe('queued');
    expect(res.headers.location).toBe(`/admin/v1/imports/jobs/${jobId}`);
    expect(statusUrl).toBe(`http://openstay.test/admin/v1/imports/jobs/${jobId}`);

    const done = await waitUntil(
      async () => {
        const job = (await get(adminToken, `/admin/v1/imports/jobs/${jobId}`)).json();
        return job.status === 'succeeded' || job.status === 'failed' ? job : undefined;
      },
      { what: 'the import job to end', timeout: 30_000 },
    );
    expect(done).toMatchObject({
      jobId,
      kind: 'reputation',
      status: 'succeeded',
      attempts: 1,
      bytes: Buffer.byteLength(body),
      progress: { linesRead: lines.length, imported: 28, failedCount: 150 },
      error: null,
    });
    expect(done.failed).toHaveLength(100);
    expect(done.failed[0]).toEqual({ line: 15, error: 'not valid JSON' });
    expect(await snapshots(accountId)).toHaveLength(28);
    // the stored body is gone once the job has ended
    expect(await t.database.db.selectFrom('job_inputs').select('seq').where('job_id', '=', jobId).execute()).toEqual([]);

    // the job belongs to its account; ids are what the API issued
    const other = await hotel();
    expect((await get(other.adminToken, `/admin/v1/imports/jobs/${jobId}`)).statusCode).toBe(404);
    for (const id of ['0', `0${jobId}`, `${jobId}.0`, '+1', '1e1', 'abc'])
      expect((await get(adminToken, `/admin/v1/imports/jobs/${id}`)).statusCode, id).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/admin/v1/imports/jobs/${jobId}` })).statusCode).toBe(401);
  });

  it('refuses a body over 64 MiB by its declared length with 413', async () => {
    const { adminToken } = await hotel();
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/v1/imports/reviews',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/x-ndjson', 'content-length': String(64 * 1024 * 1024 + 1) },
      payload: 'x',
    });
    expect(res.statusCode).toBe(413);
  });

  it('resumes a run that died mid-import from its last committed batch, importing no line twice', async () => {
    const { account } = await createTestAccount(t);
    const unit = await createLocation(t.database.db, account.id, { title: { en: 'Harbour' }, propertyCode: 'H1' });
    await createEvaluation(t.database.db, account.id, {
      name: 'Stay',
      locationIds: [unit.id],
      sections: [{ questions: [{ type: 'radio', title: { en: 'Recommend us?' }, semanticId: 0 }] }],
    });
    // answer documents without an externalId: a line imported twice would be two documents
    const line = JSON.stringify({ propertyCode: 'H1', source: 'poststay', checkoutDate: '2017-05-03', answers: [{ semanticId: 0, answerNumber: 9 }] });
    const lines = Array.from({ length: 1100 }, (_, i) => (i === 700 ? 'junk' : line));
    const text = Buffer.from(lines.join('\n'));
    await worker.stop(); // only the crashing worker below takes this job
    const jobId = await createJob(t.database.db, account.id, {
      kind: IMPORT_JOB_KIND,
      payload: { importKind: 'answer-documents', bytes: text.length },
      draft: true,
    });
    // stored in odd-sized chunks: lines cross chunk boundaries
    for (let seq = 0, at = 0; at < text.length; seq++, at += 7000) await appendJobInput(t.database.db, account.id, jobId, seq, text.subarray(at, at + 7000));
    await queueJob(t.database.db, account.id, jobId);

    // The first run dies in its second batch's transaction (after the first batch committed).
    let checkpoints = 0;
    const crashing: JobHandlers = {
      [IMPORT_JOB_KIND]: {
        backoffMs: 10,
        run: (run) =>
          importJobHandler.run({
            ...run,
            saveProgress: async (trx, progress) => {
              if (run.job.attempts === 1 && ++checkpoints === 2) throw new Error('the process died');
              await run.saveProgress(trx, progress);
            },
          }),
      },
    };
    const own = startJobWorker({ db: t.database.db, handlers: crashing, pollMs: 10 });
    try {
      await waitUntil(
        async () => (await t.database.db.selectFrom('jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow()).status === 'succeeded',
        { what: 'the resumed job to succeed', timeout: 30_000 },
      );
    } finally {
      await own.stop();
      worker = startJobWorker({ db: t.database.db, handlers: jobHandlers(), pollMs: 20 });
    }
    const job = await t.database.db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(job.attempts).toBe(2);
    expect(JSON.parse(job.progress!)).toEqual({ imported: 1099, failedCount: 1, failed: [{ line: 701, error: 'not valid JSON' }], linesRead: 1100 });
    const docs = await t.database.db.selectFrom('answer_documents').select('id').where('account_id', '=', account.id).execute();
    expect(docs).toHaveLength(1099);
  });

  it('keeps answering /healthz with bounded memory while a junk import of several MiB runs', async () => {
    const { adminToken } = await hotel();
    const port = await listening();
    const request = (method: string, path: string, body?: Buffer) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, method, path, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/x-ndjson' } },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    const junk = Buffer.from('x\n'.repeat(3 * 1024 * 1024)); // 6 MiB, 3 million junk lines
    const before = process.memoryUsage().rss;
    let peak = before;
    let healthy = 0;
    let finished = false;
    const posted = request('POST', '/admin/v1/imports/reviews', junk).then(async (res) => {
      expect(res.status).toBe(202);
      const { jobId } = JSON.parse(res.body);
      await waitUntil(
        async () => {
          const job = JSON.parse((await request('GET', `/admin/v1/imports/jobs/${jobId}`)).body);
          return job.status === 'succeeded' ? job : undefined;
        },
        { what: 'the junk import to end', timeout: 60_000 },
      ).then((job) => {
        expect(job.progress).toEqual({ linesRead: 3 * 1024 * 1024, imported: 0, failedCount: 3 * 1024 * 1024 });
        expect(job.failed).toHaveLength(100);
      });
    });
    void posted.finally(() => {
      finished = true;
    });
    // /healthz is asked again and again while the body is uploaded, stored and imported
    while (!finished) {
      const res = await request('GET', '/healthz');
      expect(res.status).toBe(200);
      healthy++;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    await posted;
    expect(healthy).toBeGreaterThan(0);
    // The whole-body import this replaces grew by about 240 MB per MiB of junk.
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  }, 90_000);

  it('deletes what it stored of an upload the client breaks off, and queues nothing', async () => {
    const { accountId, adminToken } = await hotel();
    const port = await listening();
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/admin/v1/imports/reviews',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/x-ndjson', 'content-length': String(4 * 1024 * 1024) },
    });
    req.on('error', () => undefined);
    const drafts = () => t.database.db.selectFrom('jobs').select(['id', 'status']).where('account_id', '=', accountId).execute();
    // 3 MiB of the announced 4: more than the in-request limit, so a draft job holds the chunks
    req.write(Buffer.from('x\n'.repeat(1.5 * 1024 * 1024)));
    await waitUntil(async () => (await drafts()).length === 1, { what: 'the upload to become a draft job' });
    req.destroy();
    await waitUntil(async () => (await drafts()).length === 0, { what: 'the draft to be deleted' });
    expect(await t.database.db.selectFrom('job_inputs').select('seq').where('account_id', '=', accountId).execute()).toEqual([]);
  });
});
