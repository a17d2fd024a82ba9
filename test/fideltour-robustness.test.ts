import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, createTestApp, type TestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';
import { loyaltyAccess } from './helpers/fideltour.js';

/*
 * Generated bodies and queries for every route of the Loyalty face (fixed seed): whatever arrives,
 * the answer is never a 5xx, a 4xx carries {"detail": string}, and nothing is written by a 4xx
 * (the balance and the ledger of the member stay as they were).
 */

const FIELDS = [
  'name',
  'surname',
  'email',
  'phone1',
  'phone2',
  'birthday',
  'gender',
  'language',
  'country',
  'custom_fields',
  'external_object_id',
  'subscribed',
  'password',
  'new_password',
  'send_activation_email',
  'send_welcome_email',
  'level',
  'points',
  'level_points',
  'loyalty_id',
  'loyalty_bookings',
  'loyalty_nights',
  'loyalty_last_booking_date',
  'loyalty_custom_tag_timestamp',
  'contact',
  'concept',
  'point_type',
  'comments',
  'username',
];

const value = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1,
    1.5,
    2 ** 31,
    2 ** 53 + 1,
    '',
    ' ',
    '1',
    '0x10',
    '2023-11-13',
    '2023-02-30',
    'a@b.c',
    'UTendyE!?',
    '\u0000',
    '\ud800',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })), {
    maxKeys: 3,
  }),
);
const body = fc.oneof(fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }), fc.constantFrom<unknown>([], 'text', 42, null, [{ points: 1 }]));

describe.each(dialects())('Fideltour face robustness on %s', (dialect) => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof loyaltyAccess>>;
  let contact: number;

  beforeAll(async () => {
    t = await createTestApp(dialect, { CREDENTIAL_FAILURES_PER_ADDRESS: '0', CREDENTIAL_FAILURES_PER_CREDENTIAL: '0' });
    a = await loyaltyAccess(t, (await createTestAccount(t)).account.id);
    contact = (await a.call('POST', '/contacts/', { name: 'Fuzz', email: 'fuzz@example.com' })).json().id;
    expect((await a.call('POST', `/contacts/${contact}/loyalty-sign-in/`, { password: 'UTendyE!?' })).statusCode).toBe(201);
    expect((await a.call('POST', '/operations/add-points/', { contact, points: 100, point_type: 0 })).statusCode).toBe(201);
  });
  afterAll(async () => t?.close());

  const targets = () => [
    ['POST', '/login/'],
    ['POST', '/contacts/'],
    ['PATCH', `/contacts/${contact}/`],
    ['POST', `/contacts/${contact}/loyalty-update-data/`],
    ['POST', `/contacts/${contact}/loyalty-change-password/`],
    ['POST', '/contacts/loyalty-login/'],
    ['POST', '/contacts/loyalty-reset-password/'],
    ['POST', '/operations/add-points/'],
    ['POST', '/operations/redeem-points/'],
  ];

  it('never answers a 5xx to generated bodies, and a refused redemption or adjustment writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 8 }), body, async (i, payload) => {
        const [method, url] = targets()[i];
        const before = (await a.call('GET', `/operations/?contact=${contact}`)).json();
        const res = await t.app.inject({
          method: method as 'POST',
          url: `/fideltour/api/v1${url}`,
          headers: { authorization: `Token ${a.token}`, 'content-type': 'application/json' },
          payload: JSON.stringify(payload),
        });
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(typeof res.json().detail).toBe('string');
          if (/redeem|add-points|update-data/.test(url)) expect((await a.call('GET', `/operations/?contact=${contact}`)).json()).toEqual(before);
        }
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('answers ids and amounts beyond the 32-bit columns with a 4xx, never a 5xx', async () => {
    const huge = [2 ** 31, 2 ** 31 - 1, 2 ** 53 - 1, '2147483648', '9007199254740991'];
    const cases: Array<[string, string, unknown?]> = [
      ['GET', '/contacts/2147483648/'],
      ['GET', '/products/2147483648/'],
      ['GET', '/operations/9007199254740991/'],
      ['POST', '/contacts/2147483648/loyalty-reset-account/'],
      ...huge.flatMap(
        (n): Array<[string, string, unknown]> => [
          ['POST', '/operations/redeem-points/', { contact: n, points: 1 }],
          ['POST', '/operations/add-points/', { contact: contact, points: n, point_type: 0 }],
          ['POST', '/operations/add-points/', { contact: contact, points: 1, point_type: n, level_points: n }],
          ['POST', `/contacts/${contact}/loyalty-update-data/`, { points: n, level_points: n, level: n, loyalty_nights: n }],
        ],
      ),
    ];
    expect((await a.call('GET', '/operations/?contact=2147483648')).json()).toEqual({ count: 0, next: null, previous: null, results: [] });
    const before = (await a.call('GET', `/contacts/${contact}/`)).json();
    for (const [method, url, payload] of cases) {
      const res = await a.call(method, url, payload);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`).toBeLessThan(500);
    }
    // Up to the cap, a balance grows; one point more is refused and nothing moves.
    expect(
      (await a.call('POST', '/operations/add-points/', { contact, points: 1_000_000_000 - before.points, point_type: 0, level_points: 0 })).statusCode,
    ).toBe(201);
    const full = await a.call('POST', '/operations/add-points/', { contact, points: 1, point_type: 0, level_points: 0 });
    expect(full.statusCode).toBe(400);
    expect((await a.call('GET', `/contacts/${contact}/`)).json().points).toBe(1_000_000_000);
  });

  it('never answers a 5xx to generated query strings on the lists', async () => {
    const param = fc.constantFrom(
      'limit',
      'offset',
      'contact',
      'contact_email',
      'point_type',
      'timestamp__gte',
      'timestamp__lte',
      'email__iexact',
      'external_object_id',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/contacts/', '/operations/', '/products/'),
        fc.dictionary(param, fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('-1', '1e9', '2023-11-13T12:11:03', '99999999999999999999'))),
        async (path, query) => {
          const res = await a.call('GET', `${path}?${new URLSearchParams(query)}`);
          expect(res.statusCode, `${path} ${JSON.stringify(query)}: ${res.body}`).toBeLessThan(500);
        },
      ),
      { numRuns: 200, seed: 20261202 },
    );
  });
});
