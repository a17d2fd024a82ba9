import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAccount } from '../src/core/accounts/accounts.js';
import { createLocation } from '../src/core/locations/locations.js';
import { upsertContact } from '../src/core/contacts/upsert-contact.js';
import { findKeyedContact } from '../src/core/contacts/keyed-contact.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { FIXED_NOW } from './helpers/clock.js';
import { writeContext } from '../src/core/shared/write-context.js';

describe.each(dialects())('keyed contacts on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());
  afterEach(() => {
    vi.useRealTimers();
  });

  const inTransaction = <T>(fn: (trx: TestDatabase['db']) => Promise<T>) => t.db.transaction().execute(fn);

  it('reads the guest, its keyed stay and the location check in one go', async () => {
    const account = await createAccount(t.db, `kc-${dialect}`);
    const other = await createAccount(t.db, `kc-other-${dialect}`);
    const location = await createLocation(t.db, account.id, { title: { en: 'Here' } });
    const foreign = await createLocation(t.db, other.id, { title: { en: 'There' } });
    const key = { source: 'loop', value: 'kc-1' };
    const { guest, stay } = await inTransaction((trx) =>
      upsertContact(writeContext(trx, account.id), { key, fields: { firstName: 'Kay' }, stay: { room: '7' } }),
    );
    const read = await findKeyedContact(t.db, account.id, 'loop', 'kc-1', location.id);
    expect(read.guest).toEqual(guest);
    expect(read.stay).toEqual(stay);
    expect(read.locationFound).toBe(true);
    expect((await findKeyedContact(t.db, account.id, 'loop', 'kc-1', foreign.id)).locationFound).toBe(false);
    expect(await findKeyedContact(t.db, account.id, 'loop', 'nobody', null)).toEqual({ guest: undefined, stay: undefined, locationFound: false });
    expect(await findKeyedContact(t.db, other.id, 'loop', 'kc-1', null)).toEqual({ guest: undefined, stay: undefined, locationFound: false });
  });

  it('writes nothing for an unchanged resend, and only the changed columns otherwise', async () => {
    const account = await createAccount(t.db, `kc-resend-${dialect}`);
    const location = await createLocation(t.db, account.id, { title: { en: 'Here' } });
    const key = { source: 'loop', value: 'kc-2' };
    const fields = { firstName: 'Ada', lastName: 'L', email: 'ada@example.test', customFields: { a: '1', b: '2' } };
    const stayFields = { locationId: location.id, room: '12', arrivalAt: 1000, departureAt: 2000, status: 'prestay' as const };
    // Date (only Date: timers stay real for the drivers) at a fixed instant, then a minute later.
    vi.setSystemTime(FIXED_NOW);
    const first = await inTransaction((trx) => upsertContact(writeContext(trx, account.id), { key, fields, stay: stayFields }));
    expect(first.guest.updated_at).toBe(FIXED_NOW);
    vi.setSystemTime(FIXED_NOW + 60_000);
    const again = await inTransaction((trx) =>
      upsertContact(writeContext(trx, account.id), { key, fields: { ...fields, customFields: { b: '2' } }, stay: stayFields }),
    );
    expect(again.guest).toEqual(first.guest);
    expect(again.stay).toEqual(first.stay);
    const changed = await inTransaction((trx) =>
      upsertContact(writeContext(trx, account.id), { key, fields: { mobile: '+46 70 111', customFields: { c: '3' } }, stay: { room: '14' } }),
    );
    const read = await findKeyedContact(t.db, account.id, 'loop', 'kc-2');
    expect(read.guest).toEqual(changed.guest);
    expect(read.guest?.mobile).toBe('+46 70 111');
    expect(JSON.parse(read.guest!.custom_fields)).toEqual({ a: '1', b: '2', c: '3' });
    expect(read.guest!.updated_at).toBe(FIXED_NOW + 60_000);
    expect(read.stay).toEqual(changed.stay);
    expect(read.stay).toMatchObject({ room: '14', location_id: location.id, arrival_at: 1000 });
  });

  it("refuses a location that is not the account's with a 404 naming it, and writes nothing", async () => {
    const account = await createAccount(t.db, `kc-loc-${dialect}`);
    const other = await createAccount(t.db, `kc-loc-other-${dialect}`);
    const foreign = await createLocation(t.db, other.id, { title: { en: 'There' } });
    const key = { source: 'loop', value: 'kc-3' };
    const attempt = inTransaction((trx) =>
      upsertContact(writeContext(trx, account.id), { key, fields: { firstName: 'Eve' }, stay: { locationId: foreign.id }, uncheckedLocation: 'abc123' }),
    );
    await expect(attempt).rejects.toMatchObject({ status: 404, message: 'location "abc123" not found' });
    expect(await findKeyedContact(t.db, account.id, 'loop', 'kc-3')).toEqual({ guest: undefined, stay: undefined, locationFound: false });
    // Without a key the location is checked by its own query.
    const unkeyed = inTransaction((trx) =>
      upsertContact(writeContext(trx, account.id), { fields: { email: 'eve@example.test' }, stay: { locationId: foreign.id }, uncheckedLocation: 'abc123' }),
    );
    await expect(unkeyed).rejects.toMatchObject({ status: 404 });
  });

  it('answers 404, not 500, when the location is gone by the time the stay is written', async () => {
    const account = await createAccount(t.db, `kc-gone-${dialect}`);
    const location = await createLocation(t.db, account.id, { title: { en: 'Soon gone' } });
    await t.db.deleteFrom('locations').where('id', '=', location.id).execute();
    // A location resolved earlier (here: not re-checked) that no longer exists: the foreign key refuses it.
    const attempt = inTransaction((trx) =>
      upsertContact(writeContext(trx, account.id), { key: { source: 'loop', value: 'kc-4' }, fields: { firstName: 'Gus' }, stay: { locationId: location.id } }),
    );
    await expect(attempt).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});
