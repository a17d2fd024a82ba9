import type { Dialect } from '../../src/db/database.js';
import { issueCredential } from '../../src/core/accounts/credentials.js';
import { ensureDemoAccount } from '../../src/core/demo/seed-demo.js';
import { DEMO_MEMBERS, seedLoyaltyDemo } from '../../src/core/demo/seed-loyalty-demo.js';
import { provisionLoyaltyAccess } from '../../src/core/loyalty/provision.js';
import { createTestApp } from '../helpers/app.js';
import { DATES, type FaceTarget, hintsFrom, ids, injectOptions, reseed, tokenAuthHeaders } from './face-kit.js';
import type { JsonSchema } from './schema-arbitrary.js';

/** The Loyalty API's bodies and filters, from the Fideltour document (../shared/specs), by `METHOD path`. */
const FIDELTOUR_CONTACT: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    surname: { type: 'string' },
    email: { type: 'string' },
    phone1: { type: 'string' },
    phone2: { type: 'string' },
    birthday: { type: 'string' },
    gender: { type: 'string' },
    language: { type: 'string' },
    country: { type: 'string' },
    custom_fields: { type: 'object', properties: { room_type: { type: 'string' }, vip: { type: 'boolean' } } },
    external_object_id: { type: 'string' },
    subscribed: { type: 'boolean' },
    points: { type: 'integer' },
  },
};
const POINTS_BODY = (required: string[]): JsonSchema => ({
  type: 'object',
  required,
  properties: {
    contact: { type: 'integer' },
    contact_email: { type: 'string' },
    points: { type: 'integer', minimum: 1 },
    level_points: { type: 'integer', minimum: 0 },
    point_type: { type: 'integer', minimum: 0 },
    concept: { type: 'string' },
    comments: { type: 'string' },
  },
});
const FIDELTOUR_BODIES: Record<string, JsonSchema> = {
  'POST /api/v1/login/': { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } },
  'POST /api/v1/contacts/': FIDELTOUR_CONTACT,
  'PATCH /api/v1/contacts/{id}/': FIDELTOUR_CONTACT,
  'POST /api/v1/contacts/{id}/loyalty-sign-in/': {
    type: 'object',
    required: ['password'],
    properties: { password: { type: 'string' }, send_activation_email: { type: 'boolean' }, send_welcome_email: { type: 'boolean' } },
  },
  'POST /api/v1/contacts/{id}/loyalty-update-data/': {
    type: 'object',
    properties: {
      level: { type: 'integer' },
      points: { type: 'integer' },
      level_points: { type: 'integer' },
      loyalty_id: { type: 'string' },
      loyalty_bookings: { type: 'integer' },
      loyalty_nights: { type: 'integer' },
      loyalty_last_booking_date: { type: 'string' },
      loyalty_custom_tag_timestamp: { type: 'string' },
    },
  },
  'POST /api/v1/contacts/loyalty-login/': {
    type: 'object',
    required: ['email', 'password'],
    properties: { email: { type: 'string' }, password: { type: 'string' } },
  },
  'POST /api/v1/contacts/loyalty-reset-password/': { type: 'object', required: ['email'], properties: { email: { type: 'string' } } },
  'POST /api/v1/contacts/{id}/loyalty-change-password/': { type: 'object', required: ['new_password'], properties: { new_password: { type: 'string' } } },
  'POST /api/v1/contacts/{id}/loyalty-reset-account/': { type: 'object', properties: {} },
  'POST /api/v1/operations/add-points/': POINTS_BODY(['contact', 'points', 'point_type']),
  'POST /api/v1/operations/redeem-points/': POINTS_BODY(['contact', 'points']),
};
const FIDELTOUR_FILTERS: Record<string, string[]> = {
  'GET /api/v1/contacts/': ['email__iexact', 'email', 'external_object_id', 'limit', 'offset'],
  'GET /api/v1/operations/': ['contact', 'contact_email', 'point_type', 'timestamp__gte', 'timestamp__lte', 'limit', 'offset'],
  'GET /api/v1/products/': ['limit', 'offset'],
};

export async function fideltourFace(dialect: Dialect): Promise<FaceTarget> {
  const t = await createTestApp(dialect, { LOG_LEVEL: 'error' }, { demo: true });
  const demo = await ensureDemoAccount(t.database.db);
  await seedLoyaltyDemo(t.database.db, demo.account.id);
  const access = await provisionLoyaltyAccess(t.database.db, demo.account.id, `fuzz-${dialect}`);
  let token = access.token;
  const contacts = await ids(t, 'guests', 10);
  const hints = hintsFrom({
    id: contacts,
    contact: [...contacts, 0, -1, '12', 'x'],
    contact_email: [...DEMO_MEMBERS.map((m) => m.email), 'nobody@example.com'],
    email__iexact: [...DEMO_MEMBERS.map((m) => m.email.toUpperCase()), 'nobody@example.com'],
    username: [access.username, 'nobody', ''],
    password: [access.password, DEMO_MEMBERS[0].password, 'short', ''],
    new_password: ['Another-Good-1', 'short', ''],
    points: [1, 100, 1500, 0, -5, 2_000_000_000, 1e15, '10', 1.5],
    level_points: [0, 100, -1, 1e15],
    level: (await ids(t, 'loyalty_levels', 4)).concat([0, 99]),
    point_type: [0, 1, 2, 2_147_483_648],
    external_object_id: ['PMS-1', 'PMS-2', ''],
    loyalty_last_booking_date: DATES,
    loyalty_custom_tag_timestamp: ['2025-01-15T10:00:00Z', 'soon'],
    timestamp__gte: ['2025-01-15T10:00:00Z', '2025-01-15', 'soon'],
    timestamp__lte: ['2026-12-31T00:00:00Z', 'x'],
    gender: ['M', 'F', 'X', ''],
    birthday: DATES,
  });
  const header = tokenAuthHeaders('Token', 'Bearer', () => token);
  return {
    name: 'fideltour',
    t,
    openapiUrl: '/fideltour/openapi.json',
    prefix: '/fideltour',
    arbitraryOptions: { hints },
    completeDocument(doc) {
      for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
        for (const [method, op] of Object.entries<any>(item)) {
          const key = `${method.toUpperCase()} ${path}`;
          const body = FIDELTOUR_BODIES[key];
          if (body && !op.requestBody) op.requestBody = { content: { 'application/json': { schema: body } } };
          const filters = FIDELTOUR_FILTERS[key] ?? [];
          op.parameters = [...(op.parameters ?? []), ...filters.map((name) => ({ in: 'query', name, schema: { type: 'string' } }))];
        }
      }
      return doc;
    },
    render(request) {
      return injectOptions('/fideltour', request, request.pathAndQuery, header[request.auth]());
    },
    async renew() {
      token = await issueCredential(t.database.db, demo.account.id, 'loyalty');
    },
    async replenish() {
      await reseed(t);
      await seedLoyaltyDemo(t.database.db, demo.account.id).catch(() => undefined);
    },
    close: () => t.close(),
  };
}
