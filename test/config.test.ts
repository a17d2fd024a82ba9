import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';

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
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).databaseUrl).toBe('postgres://u@h:5432/db');
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).databaseUrl).toBe('postgresql://u@h/db');
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

  it.each([
    [{ CREDENTIAL_FAILURES_PER_ADDRESS: '-1' }, /CREDENTIAL_FAILURES_PER_ADDRESS/],
    [{ CREDENTIAL_FAILURES_PER_CREDENTIAL: 'ten' }, /CREDENTIAL_FAILURES_PER_CREDENTIAL/],
    [{ CREDENTIAL_FAILURE_WINDOW_MS: '0' }, /CREDENTIAL_FAILURE_WINDOW_MS/],
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
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
