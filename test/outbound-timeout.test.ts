import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient, type OutboundClient } from '../src/core/outbound/http-client.js';

// The outbound client bounds every call with one shared deadline timer (http-client.ts): a receiver
// that never answers, or answers and then stalls its body, fails the call at its own deadline.
describe('outbound call deadlines', () => {
  let server: Server;
  let url: string;
  let client: OutboundClient;
  const stalled: ServerResponse[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/silent') {
        stalled.push(res);
        return;
      }
      if (req.url === '/trickle') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('a');
        stalled.push(res);
        return;
      }
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = createOutboundClient({ allowPrivate: true, timeoutMs: 5_000 });
  });

  afterAll(async () => {
    for (const res of stalled) res.destroy();
    await client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function outcome(path: string, timeoutMs?: number) {
    const started = performance.now();
    try {
      const response = await client.post(`${url}${path}`, { 'content-type': 'application/json' }, '{}', timeoutMs === undefined ? {} : { timeoutMs });
      return { ok: response.status, ms: performance.now() - started };
    } catch (err) {
      return { error: (err as Error).name, ms: performance.now() - started };
    }
  }

  it('fails a call whose receiver never answers at its deadline, and one whose body stalls', async () => {
    const [silent, trickle] = await Promise.all([outcome('/silent', 300), outcome('/trickle', 300)]);
    expect(silent.error).toBe('TimeoutError');
    expect(trickle.error).toBe('TimeoutError');
    for (const r of [silent, trickle]) {
      expect(r.ms).toBeGreaterThanOrEqual(290);
      expect(r.ms).toBeLessThan(4_000);
    }
  });

  it('keeps each deadline of calls in flight together, whatever order they were made in', async () => {
    const late = outcome('/silent', 1_500);
    const early = outcome('/silent', 200);
    const answered = outcome('/ok', 250);
    const [l, e, a] = await Promise.all([late, early, answered]);
    expect(a.ok).toBe(200);
    expect(e.error).toBe('TimeoutError');
    expect(l.error).toBe('TimeoutError');
    expect(e.ms).toBeLessThan(l.ms);
    expect(l.ms).toBeGreaterThanOrEqual(1_490);
  });

  it('leaves a call that answered alone after its deadline has passed', async () => {
    const r = await outcome('/ok', 100);
    expect(r.ok).toBe(200);
    // the deadline of the finished call passes: nothing fires for it, and a new call still works
    // test-rules: allow sleep (letting the finished call's deadline pass is what is tested)
    await new Promise<void>((resolve) => setTimeout(resolve, 150));
    expect((await outcome('/ok')).ok).toBe(200);
  });
});
