import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { resolveSecretKeys, secretKeyFile } from '../src/config/secret-keys.js';

const KEY = Buffer.alloc(32, 1).toString('base64');

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.databaseUrl).toBe('sqlite:data/openstay.db');
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.logLevel).toBe('info');
    expect(config.faceHosts.size).toBe(0);
    expect(config.guestPageLoopsPerAddress).toBe(30);
  });

  it('reads the Twilio variables together, with https://api.twilio.com as the default base', () => {
    const sid = `AC${'1'.repeat(32)}`;
    expect(loadConfig({}).twilio).toBeUndefined();
    expect(loadConfig({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'tok', TWILIO_FROM: '+15005550006' }).twilio).toEqual({
      accountSid: sid,
      authToken: 'tok',
      from: '+15005550006',
      baseUrl: 'https://api.twilio.com',
    });
    expect(
      loadConfig({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'tok', TWILIO_FROM: 'MG0123456789', TWILIO_BASE_URL: 'http://127.0.0.1:9/' }).twilio,
    ).toMatchObject({
      from: 'MG0123456789',
      baseUrl: 'http://127.0.0.1:9',
    });
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: sid })).toThrow('SMS through Twilio needs TWILIO_AUTH_TOKEN and TWILIO_FROM as well');
    expect(() => loadConfig({ TWILIO_BASE_URL: 'http://127.0.0.1:9' })).toThrow(ConfigError);
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'nope', TWILIO_AUTH_TOKEN: 'tok', TWILIO_FROM: '+15005550006' })).toThrow('TWILIO_ACCOUNT_SID');
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'tok', TWILIO_FROM: '0701234567' })).toThrow('TWILIO_FROM');
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'tok', TWILIO_FROM: '+15005550006', TWILIO_BASE_URL: 'ftp://x' })).toThrow(
      'TWILIO_BASE_URL',
    );
  });

  it('reads GUEST_PAGE_LOOPS_PER_ADDRESS', () => {
    expect(loadConfig({ GUEST_PAGE_LOOPS_PER_ADDRESS: '200' }).guestPageLoopsPerAddress).toBe(200);
  });

  it('derives PUBLIC_URL from PORT and trims a trailing slash', () => {
    // Parsing only, nothing listens; test-rules: allow port
    expect(loadConfig({ PORT: '9000' }).publicUrl).toBe('http://localhost:9000');
    expect(loadConfig({ PUBLIC_URL: 'https://guest.hotel.test/' }).publicUrl).toBe('https://guest.hotel.test');
  });

  it('reads every DATABASE_URL form', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).databaseUrl).toBe('sqlite:/tmp/x.db');
    const SECRET_KEY = KEY;
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', SECRET_KEY }).databaseUrl).toBe('postgres://u@h:5432/db');
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db', SECRET_KEY }).databaseUrl).toBe('postgresql://u@h/db');
  });

  it('parses FACE_HOSTS', () => {
    const { faceHosts } = loadConfig({ FACE_HOSTS: 'Loop.Hotel.test=loop, loopon.hotel.test=loopon' });
    expect([...faceHosts]).toEqual([
      ['loop.hotel.test', 'loop'],
      ['loopon.hotel.test', 'loopon'],
    ]);
  });

  it('reads the credential failure limits, 0 turning one off', () => {
    expect(loadConfig({}).credentialFailures).toEqual({ perAddress: 30, perCredential: 10, windowMs: 60_000 });
    const set = loadConfig({ CREDENTIAL_FAILURES_PER_ADDRESS: '0', CREDENTIAL_FAILURES_PER_CREDENTIAL: '5', CREDENTIAL_FAILURE_WINDOW_MS: '1000' });
    expect(set.credentialFailures).toEqual({ perAddress: 0, perCredential: 5, windowMs: 1000 });
  });

  it('reads the connection limits, TRUST_PROXY and METRICS_TOKEN', () => {
    const defaults = loadConfig({});
    expect(defaults.requestTimeoutMs).toBe(30_000);
    expect(defaults.maxConnectionsPerAddress).toBe(256);
    expect(defaults.trustProxy).toBe(false);
    expect(defaults.metricsToken).toBeUndefined();
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '500' }).requestTimeoutMs).toBe(500);
    expect(loadConfig({ MAX_CONNECTIONS_PER_ADDRESS: '0' }).maxConnectionsPerAddress).toBe(0);
    expect(loadConfig({ MAX_CONNECTIONS_PER_ADDRESS: '1000' }).maxConnectionsPerAddress).toBe(1000);
    expect(loadConfig({ TRUST_PROXY: 'TRUE' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1, fd00::/8, Loopback' }).trustProxy).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    expect(loadConfig({ METRICS_TOKEN: ' 0123456789abcdef ' }).metricsToken).toBe('0123456789abcdef');
    expect(defaults.databaseListenUrl).toBeUndefined();
    expect([...defaults.roles]).toEqual(['web', 'worker', 'realtime']);
    expect([...loadConfig({ ROLES: ' Worker, web ' }).roles]).toEqual(['worker', 'web']);
    const pooled = { DATABASE_URL: 'postgres://u@pooler:6432/db', SECRET_KEY: KEY, DATABASE_LISTEN_URL: 'postgres://u@primary:5432/db' };
    expect(loadConfig(pooled).databaseListenUrl).toBe('postgres://u@primary:5432/db');
  });

  it('reads JOB_LEASE_MS', () => {
    expect(loadConfig({}).jobLeaseMs).toBe(30_000);
    expect(loadConfig({ JOB_LEASE_MS: '2000' }).jobLeaseMs).toBe(2000);
  });

  it.each([
    [{ CREDENTIAL_FAILURES_PER_ADDRESS: '-1' }, /CREDENTIAL_FAILURES_PER_ADDRESS/],
    [{ CREDENTIAL_FAILURES_PER_CREDENTIAL: 'ten' }, /CREDENTIAL_FAILURES_PER_CREDENTIAL/],
    [{ CREDENTIAL_FAILURE_WINDOW_MS: '0' }, /CREDENTIAL_FAILURE_WINDOW_MS/],
    [{ REQUEST_TIMEOUT_MS: '0' }, /REQUEST_TIMEOUT_MS/],
    [{ JOB_LEASE_MS: '500' }, /JOB_LEASE_MS/],
    [{ JOB_LEASE_MS: 'soon' }, /JOB_LEASE_MS/],
    [{ REQUEST_TIMEOUT_MS: '30s' }, /REQUEST_TIMEOUT_MS/],
    [{ REQUEST_TIMEOUT_MS: '99999999999' }, /REQUEST_TIMEOUT_MS/],
    [{ MAX_CONNECTIONS_PER_ADDRESS: '-1' }, /MAX_CONNECTIONS_PER_ADDRESS/],
    [{ MAX_CONNECTIONS_PER_ADDRESS: 'many' }, /MAX_CONNECTIONS_PER_ADDRESS/],
    [{ TRUST_PROXY: 'yes please' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.1,proxy.local' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '-1' }, /TRUST_PROXY/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN/],
    [{ ROLES: 'web,cron' }, /ROLES must be a comma-separated list of web, worker, realtime/],
    [{ DATABASE_LISTEN_URL: 'postgres://u@h/db' }, /DATABASE_LISTEN_URL is for PostgreSQL only/],
    [{ DATABASE_URL: 'postgres://u@h/db', SECRET_KEY: KEY, DATABASE_LISTEN_URL: 'mysql://x' }, /DATABASE_LISTEN_URL must be a postgres/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/], // refused, nothing listens; test-rules: allow port
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'sqlite:' }, /DATABASE_URL/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL/],
    [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ FACE_HOSTS: 'loop.hotel.test' }, /FACE_HOSTS/],
    [{ FACE_HOSTS: 'x.test=nope' }, /FACE_HOSTS/],
    [{ GUEST_PAGE_LOOPS_PER_ADDRESS: '0' }, /GUEST_PAGE_LOOPS_PER_ADDRESS/],
    [{ GUEST_PAGE_LOOPS_PER_ADDRESS: 'many' }, /GUEST_PAGE_LOOPS_PER_ADDRESS/],
    [{ DATABASE_URL: 'postgres://u@h/db' }, /^SECRET_KEY is required with PostgreSQL: /],
    [{ SECRET_KEY: 'short' }, /SECRET_KEY must be the base64 of exactly 32/],
    [{ SECRET_KEY: Buffer.alloc(31).toString('base64') }, /SECRET_KEY must be the base64 of exactly 32/],
    [{ SECRET_KEY: Buffer.alloc(33).toString('base64') }, /SECRET_KEY must be the base64 of exactly 32/],
    [{ SECRET_KEY: `${KEY}!` }, /SECRET_KEY must be/],
    [{ SECRET_KEY: KEY, SECRET_KEY_PREVIOUS: 'abc' }, /SECRET_KEY_PREVIOUS must be/],
    [{ SECRET_KEY_PREVIOUS: KEY }, /SECRET_KEY_PREVIOUS needs SECRET_KEY/],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  describe('SECRET_KEY', () => {
    it('reads SECRET_KEY and SECRET_KEY_PREVIOUS as 32 bytes (base64 or base64url)', () => {
      const current = Buffer.alloc(32, 0xfb);
      const config = loadConfig({ SECRET_KEY: current.toString('base64url'), SECRET_KEY_PREVIOUS: KEY, DATABASE_URL: 'postgres://u@h/db' });
      expect(config.secretKey).toEqual(current);
      expect(config.secretKeyPrevious).toEqual(Buffer.alloc(32, 1));
      expect(resolveSecretKeys(config)).toEqual({ current, previous: Buffer.alloc(32, 1) });
      expect(loadConfig({}).secretKey).toBeUndefined();
    });

    it('on SQLite without SECRET_KEY, creates secret.key (mode 0600) beside the database file once, and reads it again', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-key-'));
      try {
        const config = loadConfig({ DATABASE_URL: `sqlite:${path.join(dir, 'db', 'openstay.db')}` });
        const file = path.join(dir, 'db', 'secret.key');
        expect(secretKeyFile(config.databaseUrl)).toBe(file);
        const first = resolveSecretKeys(config);
        expect(first.current).toHaveLength(32);
        expect(fs.statSync(file).mode & 0o777).toBe(0o600);
        expect(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')).toEqual(first.current);
        expect(resolveSecretKeys(config).current).toEqual(first.current); // the same key on every start (server and CLI)
        expect(secretKeyFile(loadConfig({}).databaseUrl)).toBe(path.resolve('data', 'secret.key'));

        fs.writeFileSync(file, 'not a key\n');
        expect(() => resolveSecretKeys(config)).toThrow(ConfigError);
        expect(() => resolveSecretKeys(config)).toThrow(/secret\.key must hold the base64 of exactly 32 bytes/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
