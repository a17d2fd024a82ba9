import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/core/accounts/accounts.js';
import { createLocation } from '../src/core/locations/locations.js';
import { findGuestByKey, upsertGuestByKey } from '../src/core/guests/guest-keys.js';
import { resolveArrival } from '../src/core/guests/identity.js';
import type { GuestFields } from '../src/core/guests/guests.js';
import type { Db } from '../src/db/database.js';

const arrive = (db: Db, accountId: number, fields: GuestFields) => resolveArrival(writeContext(db, accountId), { source: 'test', fields });
import { upsertContact } from '../src/core/contacts/upsert-contact.js';
import { recordGuestEvent } from '../src/core/contacts/record-guest-event.js';
import { listJourneyEvents } from '../src/core/journeys/journey-events.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { writeContext } from '../src/core/shared/write-context.js';

describe.each(dialects())('guests and journeys on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  it('keeps one guest when the same key is upserted concurrently', async () => {
    const account = await createAccount(t.db, 'race');
    const attempts = Array.from({ length: 8 }, (_, i) =>
      t.db.transaction().execute((trx) => upsertGuestByKey(writeContext(trx, account.id), 'loop', 'same-key', { firstName: `Try ${i}` })),
    );
    const results = await Promise.all(attempts);
    expect(new Set(results.map((r) => r.guest.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const guests = await t.db.selectFrom('guests').select('id').where('account_id', '=', account.id).execute();
    expect(guests).toHaveLength(1);
  });

  it('finds a guest again by e-mail whatever its case, and keeps accounts apart', async () => {
    const a = await createAccount(t.db, 'case-a');
    const b = await createAccount(t.db, 'case-b');
    const first = await arrive(t.db, a.id, { email: 'Ada@Example.TEST', name: 'Ada' });
    const again = await arrive(t.db, a.id, { email: 'ada@example.test' });
    expect(again.created).toBe(false);
    expect(again.guest.id).toBe(first.guest.id);
    const other = await arrive(t.db, b.id, { email: 'ada@example.test' });
    expect(other.created).toBe(true);
    expect(other.guest.id).not.toBe(first.guest.id);
  });

  it('records journey events on the stay and moves its status', async () => {
    const account = await createAccount(t.db, 'journey');
    const key = { source: 'loop', value: 'j-1' };
    const { guest, stay } = await upsertContact(writeContext(t.db, account.id), { key, fields: { firstName: 'Jo' }, stay: { room: '12' } });
    expect(stay?.status).toBe('prestay');
    const checkin = await recordGuestEvent(writeContext(t.db, account.id), guest, { type: 'stay.checked_in', key, source: 'loop', occurredAt: 1000 });
    expect(checkin.stay.id).toBe(stay!.id);
    expect(checkin.stay.status).toBe('instay');
    const checkout = await recordGuestEvent(writeContext(t.db, account.id), guest, { type: 'stay.checked_out', key, source: 'loop', occurredAt: 2000 });
    expect(checkout.stay.status).toBe('poststay');
    const custom = await recordGuestEvent(writeContext(t.db, account.id), guest, {
      type: 'custom.spa-booked',
      key,
      source: 'loop',
      occurredAt: 3000,
      payload: { a: 1 },
    });
    expect(custom.stay.status).toBe('poststay');
    const timeline = await listJourneyEvents(t.db, account.id, guest.id);
    expect(timeline.map((e) => e.type)).toEqual(['stay.checked_in', 'stay.checked_out', 'custom.spa-booked']);
    expect(JSON.parse(timeline[2].payload)).toEqual({ a: 1 });
    expect((await findGuestByKey(t.db, account.id, 'loop', 'j-1'))?.id).toBe(guest.id);
  });
});

describe.each(dialects())('one person across faces on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  it('attaches a new Loop foreignId to the guest already known by e-mail, and matches phone numbers however written', async () => {
    const account = await createAccount(t.db, 'one-person');
    const first = await arrive(t.db, account.id, { email: 'simon@example.test', mobile: '+46 73-044 24 80' });
    expect(first.guest.mobile).toBe('+46730442480');
    const keyed = await upsertContact(writeContext(t.db, account.id), {
      key: { source: 'loop', value: 'pms-1' },
      fields: { email: 'SIMON@example.test', firstName: 'Simon' },
    });
    expect(keyed.guest.id).toBe(first.guest.id);
    expect((await findGuestByKey(t.db, account.id, 'loop', 'pms-1'))?.id).toBe(first.guest.id);
    const byPhone = await arrive(t.db, account.id, { mobile: '+46730442480' });
    expect(byPhone.guest.id).toBe(first.guest.id);
    const guests = await t.db.selectFrom('guests').select('id').where('account_id', '=', account.id).execute();
    expect(guests).toHaveLength(1);
  });
  it('answers a new guest and stay with the rows as stored', async () => {
    const account = await createAccount(t.db, 'rows-as-stored');
    const location = await createLocation(t.db, account.id, { title: { en: 'Hotel' } });
    const written = await t.db.transaction().execute((trx) =>
      upsertContact(writeContext(trx, account.id), {
        key: { source: 'loop', value: 'as-stored' },
        fields: { firstName: 'Ada', lastName: 'Byron', email: 'ada@example.com', mobile: '+16135550123', customFields: { a: '1' } },
        stay: { locationId: location.id, arrivalAt: Date.UTC(2026, 0, 2, 15), departureAt: Date.UTC(2026, 0, 4, 11), room: '12' },
      }),
    );
    expect(written.created).toBe(true);
    const guest = await t.db.selectFrom('guests').selectAll().where('id', '=', written.guest.id).executeTakeFirstOrThrow();
    expect(written.guest).toStrictEqual(guest);
    const stay = await t.db.selectFrom('stays').selectAll().where('id', '=', written.stay!.id).executeTakeFirstOrThrow();
    expect(written.stay).toStrictEqual(stay);
  });
});
