import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './helpers/database.js';
import { waitUntil } from './helpers/wait.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { connectRaw, lastResponseHead, listenOnFreePort, type RawConnection } from './helpers/raw-http.js';

// REQUEST_TIMEOUT_MS short, so every limit shows within a second or two: headers within 1 s, a body
// pausing at most 1 s and averaging 1 KiB/s over any 1 s, idle keep-alive connections closed after 2.4 s.
const T = 1000;

/** Writes `chunk` every `everyMs` until `count` chunks are sent or the connection closes. */
function pace(conn: RawConnection, chunk: string, everyMs: number, count: number): { stop(): void; sent(): number } {
  let sent = 0;
  // test-rules: allow sleep (the pace of the client is what is tested)
  const timer = setInterval(() => {
    if (conn.closed() || sent >= count) return clearInterval(timer);
    conn.write(chunk);
    sent++;
  }, everyMs);
  return { stop: () => clearInterval(timer), sent: () => sent };
}

// The cases wait on the server's timers (1-3.4 s each) on connections of their own: run together.
describe.concurrent.each(dialects())('connection limits on %s', (dialect) => {
  let t: TestApp;
  let port: number;
  let loopToken: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, { REQUEST_TIMEOUT_MS: String(T) });
    ({ loopToken } = await createTestAccount(t));
    port = await listenOnFreePort(t.app);
  });
  afterAll(async () => t?.close());

  it('cuts off a body trickling a byte at a time with a 408 and Connection: close (defect 2)', async () => {
    const conn = await connectRaw(port);
    conn.write('POST /loopon/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n');
    const trickle = pace(conn, 'a', 100, 1000);
    await conn.waitFor(/\r\n\r\n/, 5 * T);
    await conn.waitClosed(5 * T);
    trickle.stop();
    const { status, headers } = lastResponseHead(conn.received());
    expect(status).toBe(408);
    expect(headers.connection).toBe('close');
    // Cut between one window after the first byte and two, long before the 1,000 bytes would be in.
    expect(trickle.sent()).toBeLessThan(40);
    expect(t.logs.join('\n')).toContain('request body timed out');
  });

  it('watches each request of a keep-alive connection afresh', async () => {
    const conn = await connectRaw(port);
    const form = 'grant_type=client_credentials';
    conn.write(
      `POST /loopon/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n${form}`,
    );
    await conn.waitFor(/invalid_client|invalid_request/);
    expect(lastResponseHead(conn.received()).headers.connection).toBe('keep-alive');
    conn.write('POST /loopon/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n');
    const trickle = pace(conn, 'a', 100, 1000);
    await conn.waitClosed(5 * T);
    trickle.stop();
    expect(lastResponseHead(conn.received()).status).toBe(408);
  });

  it('cuts off a body that stops coming', async () => {
    const conn = await connectRaw(port);
    conn.write('POST /loopon/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=');
    await conn.waitClosed(5 * T);
    expect(conn.closedAfterMs()).toBeGreaterThanOrEqual(T);
    const { status, headers } = lastResponseHead(conn.received());
    expect(status).toBe(408);
    expect(headers.connection).toBe('close');
  });

  it('lets a slow but steady upload through, however long it takes', async () => {
    const json = JSON.stringify({ foreignId: `slow-${dialect}`, firstname: 'Slow', lastname: 'Upload', email: `slow-${dialect}@example.test` });
    // 2.5 KiB/s for about 3 windows: over the minimum pace, well past any single window.
    const chunk = ' '.repeat(256);
    const chunks = 30;
    const length = Buffer.byteLength(json) + chunk.length * chunks;
    const conn = await connectRaw(port);
    conn.write(
      `POST /loop/api/v1/Contact?authToken=${loopToken} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${json}`,
    );
    const upload = pace(conn, chunk, 100, chunks);
    await conn.waitFor(/\r\n\r\n[\s\S]*\}/, 20 * T);
    upload.stop();
    expect(upload.sent()).toBe(chunks);
    const { status, headers } = lastResponseHead(conn.received());
    expect(status).toBe(200);
    expect(conn.received()).toContain('"status":"Success"');
    expect(headers.connection).not.toBe('close');
    conn.socket.destroy();
  });

  it('answers headers that do not arrive in time with a 408 and Connection: close', async () => {
    const conn = await connectRaw(port);
    conn.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    await conn.waitClosed(5 * T);
    expect(conn.closedAfterMs()).toBeGreaterThanOrEqual(T);
    const { status, headers } = lastResponseHead(conn.received());
    expect(status).toBe(408);
    expect(headers.connection).toBe('close');
    // A connection that never sends a byte is closed as well.
    const silent = await connectRaw(port);
    await silent.waitClosed(5 * T);
  });

  it('tells a keep-alive client that a 431 closes the connection (defect 8)', async () => {
    const conn = await connectRaw(port);
    conn.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await conn.waitFor(/"status":"ok"/);
    expect(lastResponseHead(conn.received()).headers.connection).toBe('keep-alive');
    conn.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    await conn.waitFor(/431/);
    await conn.waitClosed();
    const { status, headers } = lastResponseHead(conn.received());
    expect(status).toBe(431);
    expect(headers.connection).toBe('close');
  });

  it('answers malformed HTTP with a 400 and Connection: close', async () => {
    const conn = await connectRaw(port);
    conn.write('GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n');
    await conn.waitClosed();
    const { status, headers } = lastResponseHead(conn.received());
    expect(status).toBe(400);
    expect(headers.connection).toBe('close');
  });

  it('answers a body over the limit with a 413 and Connection: close, without reading it', async () => {
    const conn = await connectRaw(port);
    conn.write(`POST /loop/api/v1/Contact?authToken=${loopToken} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{`);
    await conn.waitClosed();
    const { status, headers } = lastResponseHead(conn.received());
    expect(status).toBe(413);
    expect(headers.connection).toBe('close');
  });

  it('closes a keep-alive connection left idle', async () => {
    const conn = await connectRaw(port);
    conn.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await conn.waitFor(/"status":"ok"/);
    expect(lastResponseHead(conn.received()).headers['keep-alive']).toMatch(/timeout=2\b/);
    await conn.waitClosed(10 * T);
    expect(conn.closedAfterMs()).toBeGreaterThanOrEqual(2 * T);
  });
});

describe('connections per address', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { MAX_CONNECTIONS_PER_ADDRESS: '3' });
    port = await listenOnFreePort(t.app);
  });
  afterAll(async () => t?.close());

  it('refuses a connection over the cap with a 503, Retry-After and Connection: close, and admits again once one closes', async () => {
    const open: RawConnection[] = [];
    for (let i = 0; i < 3; i++) {
      const conn = await connectRaw(port);
      conn.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await conn.waitFor(/"status":"ok"/);
      open.push(conn);
    }
    const refused = await connectRaw(port);
    refused.write('POST /loopon/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
    await refused.waitClosed();
    const { status, headers } = lastResponseHead(refused.received());
    expect(status).toBe(503);
    expect(headers.connection).toBe('close');
    expect(headers['retry-after']).toBe('5');
    // The refused request never reached the application.
    expect(t.logs.join('\n')).not.toContain('/loopon/oauth2/token');

    open[0].socket.destroy();
    await open[0].waitClosed();
    // The server sees the close a moment after the client: try until a new connection is admitted.
    await waitUntil(
      async () => {
        const again = await connectRaw(port);
        again.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
        await again.waitClosed();
        return lastResponseHead(again.received()).status === 200;
      },
      { what: 'a connection admitted again' },
    );
    for (const conn of open) conn.socket.destroy();
  });
});
