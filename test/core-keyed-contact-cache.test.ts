import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/core/accounts/accounts.js';
import { createLocation } from '../src/core/locations/locations.js';
import { keyedContactWrite, saveKeyedContact, upsertContact } from '../src/core/contacts/upsert-contact.js';
import { createKeyedContactCache, type KeyedContactCache } from '../src/core/contacts/keyed-contact-cache.js';
import { findKeyedContact } from '../src/core/contacts/keyed-contact.js';
import { deleteGuestByKey } from '../src/core/guests/guest-keys.js';
import { changeStamp, sharedChangeStamp } from '../src/db/change-stamp.js';
import { openDatabase } from '../src/db/database.js';
import { batchedWrite } from '../src/db/sqlite-write-batch.js';
import { sql } from 'kysely';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { SYSTEM_ACTOR, writeContext } from '../src/core/shared/write-context.js';

const writeOrigin = (accountId: number) => ({ accountId, actor: SYSTEM_ACTOR, requestId: null });

describe.each(dialects())('the change stamp on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  it.skipIf(dialect !== 'postgres')('is undefined on PostgreSQL, which has no change counter (so nothing is answered from the cache)', async () => {
    expect(await changeStamp(t.db)).toBeUndefined();
    expect(await sharedChangeStamp(t.db)).toBeUndefined();
    await createAccount(t.db, 'stamp-pg');
    expect(await changeStamp(t.db)).toBeUndefined();
  });

  it.skipIf(dialect === 'postgres')(
    'moves with every write of this process or another, rolled back or not, and not with reads (SQLite only: PostgreSQL has no stamp)',
    async () => {
      const first = await changeStamp(t.db);
      expect(first).toMatch(/^\d+:\d+$/);
      await t.db.selectFrom('accounts').selectAll().execute();
      expect(await changeStamp(t.db)).toBe(first);

      await createAccount(t.db, 'stamp-1');
      const afterWrite = await changeStamp(t.db);
      expect(afterWrite).not.toBe(first);

      await expect(
        t.db.transaction().execute(async (trx) => {
          await createAccount(trx, 'stamp-rolled-back');
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      const afterRollback = await changeStamp(t.db);
      expect(afterRollback).not.toBe(afterWrite);

      // An UPDATE that matches no row changes nothing.
      await t.db.updateTable('accounts').set({ name: 'x' }).where('slug', '=', 'nobody').execute();
      expect(await changeStamp(t.db)).toBe(afterRollback);

      const other = openDatabase(t.url);
      try {
        await createAccount(other.db, 'stamp-other-process');
      } finally {
        await other.close();
      }
      expect(await changeStamp(t.db)).not.toBe(afterRollback);
    },
  );

  it.skipIf(dialect === 'postgres')('shares one read among the calls made before it starts (SQLite only: PostgreSQL has no stamp)', async () => {
    const a = sharedChangeStamp(t.db);
    const b = sharedChangeStamp(t.db);
    expect(b).toBe(a);
    const before = await a;
    // A call made after the shared read started gets a read of its own, which sees this write.
    await createAccount(t.db, 'stamp-shared');
    const c = sharedChangeStamp(t.db);
    expect(c).not.toBe(a);
    expect(await c).not.toBe(before);
  });
});

describe.each(dialects())('keyed contacts answered from the cache on %s', (dialect) => {
  let t: TestDatabase;
  let accountId: number;
  let locationId: number;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    accountId = (await createAccount(t.db, 'cache')).id;
    locationId = (await createLocation(t.db, accountId, { title: { en: 'Here' } })).id;
  });
  afterAll(async () => t?.destroy());

  const contact = (key: string, firstName = 'Ada', room = '12') => ({
    key: { source: 'loop', value: key },
    fields: { firstName, lastName: 'Lovelace', email: `${key}@example.test`, customFields: { room } },
    stay: { locationId, room, arrivalAt: 1000, departureAt: 2000, status: 'prestay' as const },
    uncheckedLocation: 'loc-ref',
  });
  const save = (cache: KeyedContactCache, input: Parameters<typeof saveKeyedContact>[3]) => saveKeyedContact(t.db, cache, writeOrigin(accountId), input);
  const stored = async (key: string) => findKeyedContact(t.db, accountId, 'loop', key);
  // On PostgreSQL nothing is answered from the cache; every answer must still be right.
  const expectedHits = (n: number) => (dialect === 'sqlite' ? n : 0);

  it('answers an unchanged resend without writing, and writes a changed one', async () => {
    const cache = createKeyedContactCache();
    const created = await save(cache, contact('k1'));
    const again = await save(cache, contact('k1'));
    expect(again).toEqual(created);
    expect(cache.hits).toBe(expectedHits(1));

    const renamed = await save(cache, contact('k1', 'Augusta'));
    expect(renamed.id).toBe(created.id);
    expect((await stored('k1')).guest?.first_name).toBe('Augusta');
    expect(cache.hits).toBe(expectedHits(1));
    const moved = await save(cache, contact('k1', 'Augusta', '14'));
    expect((await stored('k1')).stay?.room).toBe('14');
    expect(await save(cache, contact('k1', 'Augusta', '14'))).toEqual(moved);
    expect(cache.hits).toBe(expectedHits(2));
  });

  it('writes a resend again after another route of this process changed the rows', async () => {
    const cache = createKeyedContactCache();
    const guest = await save(cache, contact('k2'));
    await save(cache, contact('k2'));
    const hits = cache.hits;
    await t.db.updateTable('guests').set({ first_name: 'Changed elsewhere' }).where('id', '=', guest.id).execute();
    await t.db.updateTable('stays').set({ room: '99' }).where('guest_id', '=', guest.id).execute();
    // A keyed write of another contact in between must not make the stale rows of this one current.
    await save(cache, contact('k2-other'));
    await save(cache, contact('k2'));
    expect(cache.hits).toBe(hits);
    const read = await stored('k2');
    expect(read.guest?.first_name).toBe('Ada');
    expect(read.stay?.room).toBe('12');
  });

  it('writes a resend again after another process changed the rows', async () => {
    const cache = createKeyedContactCache();
    const guest = await save(cache, contact('k3'));
    await save(cache, contact('k3'));
    const hits = cache.hits;
    const other = openDatabase(t.url);
    try {
      await other.db.updateTable('guests').set({ first_name: 'Changed by the CLI' }).where('id', '=', guest.id).execute();
    } finally {
      await other.close();
    }
    await save(cache, contact('k3'));
    expect(cache.hits).toBe(hits);
    expect((await stored('k3')).guest?.first_name).toBe('Ada');
  });

  it('sees a write through one key of a guest when the guest is resent through another', async () => {
    const cache = createKeyedContactCache();
    const a = contact('k4a');
    const guest = await save(cache, a);
    // Another system's key with the same e-mail address (and a compatible given name) is attached to the same guest.
    const renamed = contact('k4b', 'Adaline');
    const b = { ...renamed, key: { source: 'other-pms', value: 'k4b' }, fields: { ...renamed.fields, email: a.fields.email } };
    expect((await save(cache, b)).id).toBe(guest.id);
    expect((await stored('k4a')).guest?.first_name).toBe('Adaline');
    // Resending the first key as it was is a change again: it is written, not answered from memory.
    const hits = cache.hits;
    await save(cache, a);
    expect(cache.hits).toBe(hits);
    expect((await stored('k4a')).guest?.first_name).toBe('Ada');
  });

  it('recreates a deleted contact on resend', async () => {
    const cache = createKeyedContactCache();
    const guest = await save(cache, contact('k5'));
    await save(cache, contact('k5'));
    await deleteGuestByKey(t.db, accountId, 'loop', 'k5');
    const again = await save(cache, contact('k5'));
    expect(again.id).not.toBe(guest.id);
    expect((await stored('k5')).guest?.id).toBe(again.id);
  });

  it('refuses an unknown location from memory as from the database', async () => {
    const cache = createKeyedContactCache();
    await save(cache, contact('k6'));
    const elsewhere = { ...contact('k6'), stay: { ...contact('k6').stay, locationId: 999_999 } };
    await expect(save(cache, elsewhere)).rejects.toMatchObject({ status: 404, message: 'location "loc-ref" not found' });
    // Nothing was written: the cache still answers.
    const hits = cache.hits;
    await save(cache, contact('k6'));
    expect(cache.hits).toBe(hits + expectedHits(1));
  });

  it('is not misled by a transaction that wrote and then failed', async () => {
    const cache = createKeyedContactCache();
    await save(cache, contact('k9'));
    // The guest is written, then the stay insert fails on the foreign key (a location id not
    // checked beforehand), and the transaction rolls back.
    const failing = { ...contact('k9', 'Zed'), stay: { ...contact('k9').stay, locationId: 999_999 }, uncheckedLocation: undefined };
    await expect(save(cache, failing)).rejects.toMatchObject({ status: 404 });
    expect((await stored('k9')).guest?.first_name).toBe('Ada');
    expect(await save(cache, contact('k9', 'Zed'))).toMatchObject({ first_name: 'Zed' });
    expect((await stored('k9')).guest?.first_name).toBe('Zed');
    const hits = cache.hits;
    await save(cache, contact('k9', 'Zed'));
    expect(cache.hits).toBe(hits + expectedHits(1));
  });

  it.skipIf(dialect === 'postgres')(
    'forgets what it learned from a write whose group commit failed (SQLite only: group commit and deferred foreign keys are SQLite writes)',
    async () => {
      const cache = createKeyedContactCache();
      await save(cache, contact('k10'));
      // A write queued first in the same batch makes the commit fail (a deferred foreign key); the
      // contact's write comes last, so the rolled-back database shows the stamp it remembered.
      const spoiler = batchedWrite(t.db, {
        work: async (trx) => {
          await sql`pragma defer_foreign_keys = on`.execute(trx);
          await trx.insertInto('guest_keys').values({ account_id: accountId, source: 'loop', key: 'k10-orphan', guest_id: 999_999 }).execute();
        },
      });
      const renamed = batchedWrite(t.db, keyedContactWrite(cache, writeOrigin(accountId), contact('k10', 'Never')));
      await expect(spoiler).rejects.toThrow(/FOREIGN KEY/);
      await expect(renamed).rejects.toThrow(/FOREIGN KEY/);
      expect((await stored('k10')).guest?.first_name).toBe('Ada');
      // The rename was remembered inside the failed transaction; it must be written now, not answered.
      await save(cache, contact('k10', 'Never'));
      expect((await stored('k10')).guest?.first_name).toBe('Never');
    },
  );

  it('keeps answers right under concurrent writes of the same keys', async () => {
    const cache = createKeyedContactCache();
    const names = ['One', 'Two', 'Three'];
    const writes = [];
    for (let i = 0; i < 60; i++) writes.push(save(cache, contact(`k7-${i % 5}`, names[i % 3])));
    const guests = await Promise.all(writes);
    for (let i = 0; i < 60; i++) expect(guests[i].id).toBe(guests[i % 5].id);
    // SQLite applies the saves of one key in the order they were made, so each key ends with the
    // fields of its last save (PostgreSQL: of one of them). A resend of that state is answered as stored.
    for (let k = 0; k < 5; k++) {
      const last = [...Array(60).keys()].filter((i) => i % 5 === k).pop()!;
      const name = (await stored(`k7-${k}`)).guest?.first_name;
      if (dialect === 'sqlite') expect(name).toBe(names[last % 3]);
      else expect(names).toContain(name);
      expect((await save(cache, contact(`k7-${k}`, name!))).first_name).toBe(name);
    }
  });

  it('drops the oldest keys beyond its size', async () => {
    const cache = createKeyedContactCache(10);
    for (let i = 0; i < 25; i++) await save(cache, contact(`k8-${i}`));
    if (dialect === 'sqlite') expect(cache.size).toBeLessThanOrEqual(10);
    const hits = cache.hits;
    await save(cache, contact('k8-24'));
    await save(cache, contact('k8-0'));
    expect(cache.hits).toBe(hits + expectedHits(1));
    expect((await stored('k8-0')).guest?.first_name).toBe('Ada');
  });
});

// A differential check: the same random sequence of contact saves, concurrent bursts, other writes
// and deletions, once through the cache and once straight through upsertContact in a transaction
// of its own, must leave the same guests and stays.
describe('keyed contacts with and without the cache on sqlite', () => {
  let cached: TestDatabase;
  let plain: TestDatabase;
  beforeAll(async () => {
    [cached, plain] = await Promise.all([createTestDatabase('sqlite'), createTestDatabase('sqlite')]);
    for (const t of [cached, plain]) {
      const account = await createAccount(t.db, 'diff');
      await createLocation(t.db, account.id, { title: { en: 'One' } });
      await createLocation(t.db, account.id, { title: { en: 'Two' } });
    }
  });
  afterAll(async () => Promise.all([cached?.destroy(), plain?.destroy()]));

  // Both databases were set up alike: account 1, locations 1 and 2.
  const accountId = 1;
  let seed = 20261122;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pick = <T>(values: T[]) => values[random(values.length)];

  const randomContact = () => {
    const key = `d-${random(6)}`;
    const fields: Record<string, unknown> = {};
    if (random(2)) fields.firstName = pick(['Ada', 'Bea', 'Cy']);
    if (random(2)) fields.lastName = pick(['Lovelace', 'Arthur', null]);
    if (random(3) === 0) fields.mobile = pick(['+46 70 111', '+46 70 222', '']);
    if (random(2)) fields.customFields = pick([{ room: '1' }, { room: '2' }, { vip: 'yes' }]);
    const stay: Record<string, unknown> = {};
    if (random(2)) stay.room = pick(['101', '102']);
    if (random(2)) stay.status = pick(['prestay', 'instay']);
    if (random(2)) stay.locationId = pick([1, 2]);
    if (random(3) === 0) stay.arrivalAt = pick([1000, 2000]);
    return { key: { source: 'loop', value: key }, fields, stay, uncheckedLocation: stay.locationId ? 'loc' : undefined } as Parameters<
      typeof saveKeyedContact
    >[3];
  };

  const snapshot = async (t: TestDatabase) => {
    const guests = await t.db
      .selectFrom('guest_keys')
      .innerJoin('guests', 'guests.id', 'guest_keys.guest_id')
      .select(['guest_keys.key', 'guests.first_name', 'guests.last_name', 'guests.name', 'guests.mobile', 'guests.custom_fields'])
      .orderBy('guest_keys.key')
      .execute();
    const stays = await t.db.selectFrom('stays').select(['external_ref', 'room', 'status', 'location_id', 'arrival_at']).orderBy('external_ref').execute();
    return { guests, stays };
  };

  it('leaves the same rows after 300 random steps', async () => {
    const cache = createKeyedContactCache();
    for (let step = 0; step < 300; step++) {
      const what = random(10);
      if (what < 6) {
        // A burst of saves arriving together: one group commit through the cache, in order without it.
        const burst = Array.from({ length: 1 + random(4) }, randomContact);
        await Promise.all(burst.map((input) => saveKeyedContact(cached.db, cache, writeOrigin(accountId), input)));
        for (const input of burst) await plain.db.transaction().execute((trx) => upsertContact(writeContext(trx, accountId), input));
      } else if (what < 8) {
        const key = `d-${random(6)}`;
        const name = pick(['Changed', 'Other']);
        for (const t of [cached, plain]) {
          await t.db
            .updateTable('guests')
            .set({ first_name: name })
            .where('id', 'in', (eb) => eb.selectFrom('guest_keys').select('guest_id').where('key', '=', key))
            .execute();
        }
      } else if (what < 9) {
        const key = `d-${random(6)}`;
        for (const t of [cached, plain]) await deleteGuestByKey(t.db, accountId, 'loop', key);
      } else {
        const status = pick(['instay', 'poststay']);
        const key = `d-${random(6)}`;
        for (const t of [cached, plain]) await t.db.updateTable('stays').set({ status }).where('external_ref', '=', key).execute();
      }
      expect(await snapshot(cached), `step ${step}`).toEqual(await snapshot(plain));
    }
    expect(cache.hits).toBeGreaterThan(20);
  });
});
