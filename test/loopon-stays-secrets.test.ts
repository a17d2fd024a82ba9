import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation } from '../src/core/locations/locations.js';
import { createSecretBox } from '../src/core/shared/secret-box.js';
import { listStayCallbacks, sealPlaintextCallbackTokens } from '../src/core/stays/stay-callbacks.js';
import { dialects } from './helpers/database.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { createLooponClient } from './helpers/loopon.js';

// Issue 9, defect 10: stay callback tokens were stored in plain text. They must be sent later, so
// they are encrypted with SECRET_KEY (not hashed): the row holds a sealed value, the core opens it.
describe.each(dialects())('stay callback tokens at rest on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { ALLOW_PRIVATE_CALLBACK_URLS: 'true' });
  });
  afterAll(async () => t?.close());

  async function registerWithCallback(token: string) {
    const { account } = await createTestAccount(t);
    const unit = await createLocation(t.database.db, account.id, { title: { en: 'Sea Hotel' } });
    const client = await createLooponClient(t, account.id);
    const res = await t.app.inject({
      method: 'POST',
      url: `/loopon/public/units/${unit.id}/stays`,
      headers: client.headers,
      payload: {
        status: 'instay',
        guest: { name: 'Simon', email: `simon-${token.length}@example.test` },
        checkin: '2026-11-15',
        checkout: '2026-11-18',
        stayCallback: { url: 'https://pms.example.com/stay', auth: 'bearer', authToken: token },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    return { accountId: account.id, stayId: res.json().stayId as number };
  }

  const rawRows = (accountId: number) => t.database.db.selectFrom('stay_callbacks').selectAll().where('account_id', '=', accountId).execute();

  it('stores the token sealed (the raw row holds no plaintext) and gives it back to the delivery', async () => {
    const token = 'ExampleToken-7d1e0c';
    const { accountId, stayId } = await registerWithCallback(token);
    const [row] = await rawRows(accountId);
    expect(row.auth_token).toBeNull();
    expect(row.auth_token_sealed).toMatch(/^v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await listStayCallbacks(t.database.db, t.secrets, accountId, stayId)).toEqual([
      { clientId: expect.any(Number), url: 'https://pms.example.com/stay', auth: 'bearer', authToken: token },
    ]);
    expect(t.logs.join('\n')).not.toContain(token);
  });

  it('seals the plaintext tokens an older version stored, once, and they still read the same', async () => {
    const { accountId, stayId } = await registerWithCallback('placeholder-token');
    await t.database.db
      .updateTable('stay_callbacks')
      .set({ auth_token: 'LegacyToken-42', auth_token_sealed: null })
      .where('account_id', '=', accountId)
      .execute();
    expect(await listStayCallbacks(t.database.db, t.secrets, accountId, stayId)).toMatchObject([{ authToken: 'LegacyToken-42' }]);

    expect(await sealPlaintextCallbackTokens(t.database.db, t.secrets)).toBeGreaterThanOrEqual(1);
    const [row] = await rawRows(accountId);
    expect(row.auth_token).toBeNull();
    expect(row.auth_token_sealed).not.toContain('LegacyToken');
    expect(await listStayCallbacks(t.database.db, t.secrets, accountId, stayId)).toMatchObject([{ authToken: 'LegacyToken-42' }]);
    expect(await sealPlaintextCallbackTokens(t.database.db, t.secrets)).toBe(0);
  });

  it('reads a token sealed with a key it no longer holds as unreadable (never sent), reported once, without failing', async () => {
    const { accountId, stayId } = await registerWithCallback('token-of-a-lost-key');
    const reports: unknown[] = [];
    const otherKey = createSecretBox({ current: Buffer.alloc(32, 9) }, (p) => reports.push(p));
    const read = await listStayCallbacks(t.database.db, otherKey, accountId, stayId);
    expect(read).toEqual([{ clientId: expect.any(Number), url: 'https://pms.example.com/stay', auth: 'bearer', authToken: null, tokenUnreadable: true }]);
    await listStayCallbacks(t.database.db, otherKey, accountId, stayId);
    expect(reports).toHaveLength(1);
  });
});
