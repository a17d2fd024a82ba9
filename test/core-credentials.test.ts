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
    // On PostgreSQL this lookup still sees the token live (the revocation is not committed yet);
    // on SQLite it waits for the one connection. Either way it must not be cached.
    const during = accountIdForToken(t.db, 'loop', token);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await trx.commit().execute();
    await during;
    expect(cachedAccountIdForToken('loop', token)).toBeUndefined();
    expect(await accountIdForToken(t.db, 'loop', token)).toBeUndefined();
  });
});
