import { writeContext } from '../src/core/shared/write-context.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeGuests } from '../src/core/merges/merge-guests.js';
import { splitGuest } from '../src/core/merges/split-guest.js';
import { isAppError } from '../src/core/shared/errors.js';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loyaltyAccess } from './helpers/fideltour.js';

/* A guest merge moves the loyalty membership and ledger with the person; a split gives them back. */

describe.each(dialects())('Loyalty membership across guest merge and split on %s', (dialect) => {
  let t: TestApp;
  let accountId: number;
  let a: Awaited<ReturnType<typeof loyaltyAccess>>;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    accountId = (await createTestAccount(t)).account.id;
    a = await loyaltyAccess(t, accountId);
  });
  afterAll(async () => t?.close());

  const contact = async (fields: Record<string, unknown>) =>
    (await a.call('POST', '/contacts/', { surname: `M${++n}`, ...fields })).json() as { id: number; email: string };
  const member = async (name: string, points: number) => {
    const key = `ext-${name}-${n}`;
    const c = { ...(await contact({ name, email: `${name.toLowerCase()}${n}@example.com`, external_object_id: key })), key };
    expect((await a.call('POST', `/contacts/${c.id}/loyalty-sign-in/`, { password: 'UTendyE!?' })).statusCode).toBe(201);
    expect((await a.call('POST', '/operations/add-points/', { contact: c.id, points, point_type: 0 })).statusCode).toBe(201);
    return c;
  };
  const merge = (survivorId: number, otherId: number) =>
    t.database.db.transaction().execute((trx) => mergeGuests(writeContext(trx, accountId, 'test'), survivorId, otherId));

  it('moves the membership and the ledger to the survivor, and the split gives them back', async () => {
    const ada = await member('Ada', 300);
    const survivor = await contact({ name: 'Ada', phone1: '+34600111333' });
    await merge(survivor.id, ada.id);
    // The merged id answers as the survivor, which now holds the membership and the points.
    const seen = (await a.call('GET', `/contacts/${ada.id}/`)).json();
    expect(seen).toMatchObject({ id: survivor.id, is_loyalty: true, points: 300, loyalty_email: ada.email });
    expect((await a.call('GET', `/operations/?contact=${survivor.id}`)).json().count).toBe(1);
    expect((await a.call('POST', '/operations/redeem-points/', { contact: ada.id, points: 100 })).statusCode).toBe(201);
    expect((await a.call('POST', '/contacts/loyalty-login/', { email: ada.email, password: 'UTendyE!?' })).json().id).toBe(survivor.id);

    await t.database.db.transaction().execute((trx) => splitGuest(writeContext(trx, accountId, 'test'), survivor.id, 'fideltour', ada.key));
    const back = (await a.call('GET', `/contacts/${ada.id}/`)).json();
    expect(back).toMatchObject({ id: ada.id, is_loyalty: true, points: 200 });
    expect((await a.call('GET', `/contacts/${survivor.id}/`)).json()).toMatchObject({ is_loyalty: false, points: 0 });
  });

  it('refuses to merge two guests both in the programme, changing nothing', async () => {
    const one = await member('Uno', 10);
    const two = await member('Dos', 20);
    const err = await merge(one.id, two.id).catch((e: unknown) => e);
    expect(isAppError(err) && err.status).toBe(409);
    expect((err as Error).message).toContain('loyalty programme');
    expect((await a.call('GET', `/contacts/${two.id}/`)).json()).toMatchObject({ id: two.id, points: 20, is_loyalty: true });
  });
});
