import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactedError, redactText, redactUrl } from '../src/api/http/redact.js';
import { createLocation } from '../src/core/locations/locations.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { createLooponClient } from './helpers/loopon.js';
import { leakedSecrets } from './setup/secret-scan.js';

/* Issue 9, defect 4: every link token, signature and credential in a URL is redacted in the logs. */

describe('redactUrl', () => {
  it.each([
    ['/loopon/stay/AbCdEf0123456789AbCdEf0123456789', '/loopon/stay/[redacted]'],
    ['/LOOPON/STAY/AbCdEf0123456789AbCdEf0123456789?x=1', '/LOOPON/STAY/[redacted]?x=1'],
    ['/loopon//stay//AbCdEf0123456789AbCdEf0123456789/', '/loopon//stay//[redacted]/'],
    // a FACE_HOSTS host serves the face at its root
    ['/stay/AbCdEf0123456789AbCdEf0123456789', '/stay/[redacted]'],
    ['/loopon/stay/Ab%43dEf0123456789', '/loopon/stay/[redacted]'],
    ['/loop/p/demo/loops/abc?sig=Zm9vYmFyYmF6cXV4cXV1eA', '/loop/p/demo/loops/abc?sig=[redacted]'],
    ['/loop/p/demo/create/any?_uid=g123&sig=Zm9vYmFy', '/loop/p/demo/create/any?_uid=[redacted]&sig=[redacted]'],
    ['/loop/api/v1/locations?authToken=abc&x=1', '/loop/api/v1/locations?authToken=[redacted]&x=1'],
    ['/loop/api/v1/locations?auth%54oken=abc', '/loop/api/v1/locations?authToken=[redacted]'],
    [
      '/x?access_token=abc&client_secret=def&refresh_token=ghi&api_key=jkl',
      '/x?access_token=[redacted]&client_secret=[redacted]&refresh_token=[redacted]&api_key=[redacted]',
    ],
    ['/x?signature=abc;password=def', '/x?signature=[redacted];password=[redacted]'],
    // the guest chat socket (its session key) and its earlier alias; the staff socket's ticket
    ['/loopon/chat/public/en/2f51f216ea9c411e87ce45059e2168de?deviceId=a', '/loopon/chat/public/[redacted]/[redacted]?deviceId=a'],
    ['/loopon/chat/sv/2f51f216ea9c411e87ce45059e2168de', '/loopon/chat/sv/[redacted]'],
    ['/admin/v1/realtime?ticket=AbCdEf0123', '/admin/v1/realtime?ticket=[redacted]'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves what is no secret alone', () => {
    for (const url of [
      '/loopon/public/stays/12',
      '/loopon/public/units/3/stays',
      '/loop/api/v1/locations/1300?shortcode=abc&design=1',
      '/admin/v1/guests?q=x',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  it('redacts free text that quotes a URL, and the strings of an error', () => {
    expect(redactText('Route GET:/loopon/stay/AbCdEf0123456789 not found')).toBe('Route GET:/loopon/stay/[redacted] not found');
    expect(redactText('Reply was already sent in "/loop/p/a/loops/b?sig=xyz" (GET)')).toBe(
      'Reply was already sent in "/loop/p/a/loops/b?sig=[redacted]" (GET)',
    );
    const err = Object.assign(new Error("'/loopon/stay/AbCdEf0123456789' is not a valid url component"), { url: '/x?authToken=secret1' });
    const serialized = redactedError(err);
    expect(JSON.stringify(serialized)).not.toMatch(/AbCdEf0123456789|secret1/);
    expect(serialized.message).toBe("'/loopon/stay/[redacted]' is not a valid url component");
  });
});

describe('the log scan of the test run', () => {
  it('finds an issued secret anywhere in a line, and nothing else', () => {
    const secret = 'AbCdEf0123456789AbCdEf01';
    const sig = 'Zm9vYmFy-_mF6cXV4cXV1eA';
    const lines = ['{"msg":"ok","url":"/x?authToken=[redacted]"}', `{"url":"/x?sig=${sig}"}`, `{"planted":"x${secret}y"}`, `{"other":"${secret.slice(1)}"}`];
    expect(leakedSecrets([secret, sig, 'short'], lines).map((l) => l.secret)).toEqual([sig, secret]);
  });
});

describe.each(dialects())('request logs on %s', (dialect) => {
  let t: TestApp;
  let stayToken: string;
  let stayPath: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, { FACE_HOSTS: 'guest.hotel.test=loopon' });
    const { account } = await createTestAccount(t);
    const unit = (await createLocation(t.database.db, account.id, { title: { en: 'Sea Hotel' } })).id;
    const client = await createLooponClient(t, account.id);
    const stay = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit}/stays`,
      headers: { ...client.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Ann Log', bookingReference: 'LOG-1', status: 'instay' }),
    });
    expect(stay.statusCode, stay.body).toBe(200);
    stayPath = new URL(stay.json().url).pathname;
    stayToken = stayPath.split('/').pop()!;
  });
  afterAll(async () => t?.close());

  it('never writes a stay link token, however the page is reached', async () => {
    expect((await t.app.inject({ url: stayPath })).statusCode).toBe(200);
    expect((await t.app.inject({ url: stayPath.toUpperCase().replace(stayToken.toUpperCase(), stayToken) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/stay/${stayToken}`, headers: { host: 'guest.hotel.test' } })).statusCode).toBe(200);
    // a path below it: a 404 whose message names the path
    const below = await t.app.inject({ url: `${stayPath}/more` });
    expect(below.statusCode).toBe(404);
    expect(below.body).not.toContain(stayToken);
    // messages of the app's logger and of its children (a request's) go through the same redaction
    t.app.log.info(`Route GET:${stayPath} not found`);
    t.app.log.child({ reqId: 'x' }).warn({ err: new Error(`bad url ${stayPath}`) }, `in ${stayPath}`);
    const logged = t.logs.join('\n');
    expect(logged).toContain('/loopon/stay/[redacted]');
    expect(logged).toContain('Route GET:/loopon/stay/[redacted] not found');
    expect(logged).not.toContain(stayToken);
  });
});
