import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, spawnCli, startServer } from './helpers/cli.js';
import { waitUntil } from './helpers/wait.js';

// The real process: `openstay serve` on a SQLite file, the CLI beside it, and a clean SIGTERM.
describe('openstay serve', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-serve-'));
    env = { DATABASE_URL: `sqlite:${path.join(dir, 'openstay.db')}` };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lets the CLI work on the same SQLite file while it runs, and exits 0 on SIGTERM after finishing in-flight requests', async () => {
    const server = await startServer(env);
    try {
      // No SECRET_KEY on SQLite: the server made one beside the database, readable by its owner only,
      // and the CLI reads that same key rather than making another.
      const keyFile = path.join(dir, 'secret.key');
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      const key = fs.readFileSync(keyFile, 'utf8');
      const created = await spawnCli(['account', 'create', 'alongside', '--json'], env);
      expect(created.code, created.stderr).toBe(0);
      expect(fs.readFileSync(keyFile, 'utf8')).toBe(key);
      const { loop } = JSON.parse(created.stdout);
      const listed = await fetch(`${server.baseUrl}/loop/api/v1/locations?authToken=${loop.authToken}`);
      expect(listed.status).toBe(200);

      // An in-flight request: headers and half the body sent, then SIGTERM, then the rest.
      const body = JSON.stringify({ foreignId: 'in-flight', firstname: 'Ada', email: 'ada@example.test' });
      const { closed, response } = await contactInFlightAtSigterm(server, loop.authToken, body, 'Connection: close\r\n');
      await closed;
      expect(response(), server.output()).toMatch(/^HTTP\/1.1 200/);
      expect(response()).toContain('"status":"Success"');
      expect(await exited(server.child)).toBe(0);

      // What was acknowledged is there after the restart.
      const again = await startServer(env);
      try {
        const users = await fetch(`${again.baseUrl}/loop/api/v1/users?email=ada@example.test&authToken=${loop.authToken}`);
        expect(((await users.json()) as { users: unknown[] }).users).toHaveLength(1);
      } finally {
        again.child.kill('SIGTERM');
        expect(await exited(again.child)).toBe(0);
      }
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });

  it('exits 0 on SIGTERM when the in-flight request came on a keep-alive connection (answered with Connection: close)', async () => {
    const server = await startServer(env);
    try {
      const created = await spawnCli(['account', 'create', 'keepalive', '--json'], env);
      const { loop } = JSON.parse(created.stdout);
      const body = JSON.stringify({ foreignId: 'kept-alive', firstname: 'Kim' });
      // HTTP/1.1 without a Connection header: keep-alive, as fetch and every agent send it.
      const { socket, response } = await contactInFlightAtSigterm(server, loop.authToken, body, '');
      const started = Date.now();
      expect(await exited(server.child)).toBe(0);
      expect(Date.now() - started).toBeLessThan(8000); // not the 10 s forced exit
      expect(response()).toMatch(/^HTTP\/1.1 200/);
      expect(response().toLowerCase()).toContain('connection: close');
      socket.destroy();
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });

  it('refuses a bad configuration value with one line and exit code 2', async () => {
    const bads: Array<Record<string, string>> = [
      { DATABASE_URL: 'mongodb://nope' },
      { HOST: 'not a host!!' },
      { HOST: '192.0.2.1' },
      { DATABASE_URL: 'postgres://openstay@127.0.0.1:9/openstay', SECRET_KEY: '' }, // test-rules: allow port (never connected)
      { SECRET_KEY: 'not-32-bytes' },
    ];
    // PORT=0: were a case to start serving after all, it would not take a fixed port.
    const results = await Promise.all(bads.map((bad) => spawnCli(['serve'], { ...env, PORT: '0', ...bad })));
    bads.forEach((bad, i) => {
      expect(results[i].code, JSON.stringify(bad)).toBe(2);
      expect(results[i].stderr.trim().split('\n'), results[i].stderr).toHaveLength(1);
    });
    expect(results[3].stderr).toMatch(/SECRET_KEY is required with PostgreSQL: /);
    expect(results[4].stderr).toMatch(/SECRET_KEY must be the base64 of exactly 32 random bytes/);
  });
});

/**
 * POSTs a Contact on a raw socket: headers and the first bytes of `body`, then SIGTERM to the
 * server once it has the headers (a busy machine may take a while to read them; before that the
 * connection is idle and rightly closed at shutdown), then, once it is shutting down, the rest of the body, without
 * half-closing: Node's HTTP server drops a request whose client closed its side before the answer.
 */
async function contactInFlightAtSigterm(server: Awaited<ReturnType<typeof startServer>>, authToken: string, body: string, extraHeaders: string) {
  const socket = net.connect(Number(new URL(server.baseUrl).port), '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let received = '';
  socket.on('data', (d) => (received += d));
  const closed = new Promise((r) => socket.once('close', r));
  socket.write(
    `POST /loop/api/v1/Contact?authToken=${authToken} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n`,
  );
  socket.write(body.slice(0, 10));
  await waitUntil(() => /incoming request[^\n]*Contact|Contact[^\n]*incoming request/.test(server.output()), {
    what: () => `the server to log the Contact request: ${server.output()}`,
  });
  server.child.kill('SIGTERM');
  // The rest of the body only once the server is shutting down: the request is in flight then.
  await waitUntil(() => /"msg":"shutting down"/.test(server.output()), { what: () => `the server to start shutting down: ${server.output()}` });
  socket.write(body.slice(10));
  return { socket, closed, response: () => received };
}
