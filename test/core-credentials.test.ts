import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/core/accounts/accounts.js';
import { accountIdForToken, cachedAccountIdForToken, issueCredential, revokeCredentials } from '../src/core/accounts/credentials.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';

describe.each(dialects())('credential lookups on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  it('remembers a live token and forgets it when it is revoked', async () => {
    const account = await createAccount(t.db, `cred-${dialect}`);
    const token = await issueCredential(t.db, account.id, 'loop');
    expect(await accountIdForToken(t.db, 'loop', token)).toBe(account.id);
    expect(cachedAccountIdForToken('loop', token)).toBe(account.id);
    expect(cachedAccountIdForToken('admin', token)).toBeUndefined();
    expect(await accountIdForToken(t.db, 'admin', token)).toBeUndefined();
    await revokeCredentials(t.db, account.id, 'loop');
    expect(cachedAccountIdForToken('loop', token)).toBeUndefined();
    expect(await accountIdForToken(t.db, 'loop', token)).toBeUndefined();
  });

  it('does not keep a token read while its revocation was being committed', async () => {
    const account = await createAccount(t.db, `cred-race-${dialect}`);
    const token = await issueCredential(t.db, account.id, 'loop');
    const trx = await t.db.startTransaction().execute();
    await revokeCredentials(trx, account.id, 'loop');
    // On PostgreSQL this lookup still sees the token live (the revocation is not committed yet):
    // it is let finish before the commit. On SQLite it waits for the one connection, which the
    // transaction holds until the commit. Either way it must not be cached.
    const during = accountIdForToken(t.db, 'loop', token);
    if (dialect === 'postgres') expect(await during).toBe(account.id);
    await trx.commit().execute();
    expect(await during).toBe(dialect === 'postgres' ? account.id : undefined);
    expect(cachedAccountIdForToken('loop', token)).toBeUndefined();
    expect(await accountIdForToken(t.db, 'loop', token)).toBeUndefined();
  });
});
