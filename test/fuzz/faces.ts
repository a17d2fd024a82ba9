import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { issueCredential } from '../../src/core/accounts/credentials.js';
import { ensureDemoAccount } from '../../src/core/demo/seed-demo.js';
import type { Dialect } from '../../src/db/database.js';
import { encodeId } from '../../src/api/loop-v1/ids.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createLooponClient } from '../helpers/loopon.js';
import { createPrioClient, PRIO } from '../helpers/prio.js';
import { mintedUid } from '../../src/api/prio/contact-uid.js';
import { createDemoPrioClient, EXAMPLE_CONTACT_UID } from '../../src/core/demo/demo-prio-client.js';
import { DEMO_MEMBERS, seedLoyaltyDemo } from '../../src/core/demo/seed-loyalty-demo.js';
import { provisionLoyaltyAccess } from '../../src/core/loyalty/provision.js';
import { installWriteCounters } from './fingerprint.js';
import type { AuthKind, FuzzRequest, RequestArbitraryOptions } from './request-arbitrary.js';
import type { JsonSchema, NameHints } from './schema-arbitrary.js';

/*
 * The faces as fuzz targets: each on its own test app and database holding the demo account
 * (real locations, surveys, answers, reviews, a guest in house), with the names of its fields
 * mapped to values that name real rows, and its credential rendered per request.
 */

export type FaceName = 'loop' | 'loopon' | 'prio' | 'admin' | 'fideltour';
export const FACES: FaceName[] = ['loop', 'loopon', 'prio', 'admin', 'fideltour'];

export interface FaceTarget {
  name: string;
  t: TestApp;
  /** where the face serves its OpenAPI document */
  openapiUrl: string;
  /** the mount prefix the documented paths are below */
  prefix: string;
  arbitraryOptions: RequestArbitraryOptions;
  /**
   * the face's document with what it does not describe filled in from the product's own document
   * (the Loyalty face validates its bodies itself, Django REST framework style, and documents none)
   */
  completeDocument?(doc: any): any;
  /** the inject options of a generated request, with the credential of its kind */
  render(request: FuzzRequest): InjectOptions;
  /** issues a fresh valid credential (a generated request may revoke the current one) */
  renew(): Promise<void>;
  /** seeds again what successful deletes took away, so later requests still meet real rows */
  replenish(): Promise<void>;
  close(): Promise<void>;
}

// Mostly values the face accepts (to reach past validation), a few it must refuse.
const DATES = ['2025-01-15', '2024-12-31', '2026-10-01', '2017-05-03', '2025-06-30', '2025-02-30', '15/01/2025', '2025-01-15T10:00:00Z'];
const EMAILS = ['rs@abc.com', 'guest@example.com', 'anna.lind@example.se', 'noemail@hotel.test', 'RS@ABC.COM', 'not-an-email'];
const PHONES = ['+16135550123', '613-555-0199', '5556135555', '+46701234567', '000'];

/** Hints shared by every face: dates, instants, contact details, languages. */
function commonHints(name: string): unknown[] | undefined {
  const n = name.toLowerCase();
  if (/date$|min$|max$|^since$|^from$|^to$|^date$|^day$/.test(n)) return DATES;
  if (/time$|timestamp|^received$/.test(n)) return ['2025-01-15T10:00:00Z', '2026-12-01T08:00:00.000Z', 'Wed, 15 Jan 2025 10:00:00 GMT', 1736935200000, 'soon'];
  if (/email/.test(n)) return EMAILS;
  if (/mobile|sms|phone/.test(n)) return PHONES;
  if (/language/.test(n)) return ['en', 'sv', 'fr-CA', 'pt-BR', 'xx'];
  if (/country/.test(n)) return ['CA', 'SE', 'US', 'ZZ', 'c'];
  if (/timezone/.test(n)) return ['Europe/Stockholm', 'America/Toronto', 'Mars/Olympus', ''];
  if (/pagesize|limit/.test(n)) return ['10', '1', '0', '-1', '1000', '1.5', 10, 500, 501];
  if (/pageid|offset/.test(n)) return ['0', '1', 'abc', '-5', 0, 1_000_001];
  if (/url$/.test(n)) return ['https://callback.invalid/hook', 'http://127.0.0.1/x', 'ftp://x', 'not a url'];
  return undefined;
}

function hintsFrom(table: Record<string, unknown[]>): NameHints {
  return (name) => {
    if (table[name]) return table[name];
    // `locationIds[]`: an item of a hinted array field takes the field's hints, flattened.
    const base = name.endsWith('[]') ? table[name.slice(0, -2)] : undefined;
    if (base) return base.flat();
    return commonHints(name.replace(/\[\]$/, ''));
  };
}

async function ids(t: TestApp, table: string, limit = 6): Promise<number[]> {
  const rows = await t.database.db
    .selectFrom(table as any)
    .select('id' as any)
    .orderBy('id' as any)
    .limit(limit)
    .execute();
  return rows.map((r: any) => Number(r.id));
}

/**
 * The demo seeder again (it creates what is missing); undefined when the fuzz has changed the data
 * so that it cannot (a location's code taken by another), which only means fewer real rows.
 */
async function reseed(t: TestApp) {
  try {
    return await ensureDemoAccount(t.database.db);
  } catch {
    return undefined;
  }
}

function wrongToken(): string {
  return randomBytes(20).toString('hex');
}

function withAuthQuery(pathAndQuery: string, value: string | undefined): string {
  if (value === undefined) return pathAndQuery;
  return `${pathAndQuery}${pathAndQuery.includes('?') ? '&' : '?'}${value}`;
}

function injectOptions(prefix: string, request: FuzzRequest, url: string, authHeaders: Record<string, string>): InjectOptions {
  return {
    method: request.method,
    url: `${prefix}${url}`,
    remoteAddress: request.remoteAddress,
    headers: { ...request.headers, ...authHeaders },
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  };
}

async function loopFace(dialect: Dialect): Promise<FaceTarget> {
  const t = await createTestApp(dialect, { LOG_LEVEL: 'error' });
  const demo = await ensureDemoAccount(t.database.db);
  let token = demo.loopToken;
  const guests = await ids(t, 'guests');
  const locations = await ids(t, 'locations', 12);
  const loops = await ids(t, 'loops');
  const shortcodes = ['1100', '1200', '1300', 'X01', 'X02', 'room', 'restaurant', 'sea-hotels'];
  const guestIds = guests.map((id) => encodeId('guest', id));
  const hints = hintsFrom({
    shortcode: shortcodes,
    foreignId: ['abc123', 'F-1234', 'abc123 ', 12345],
    id: [...guestIds, ...loops.map((id) => encodeId('loop', id))],
    contactId: guestIds,
    customer: guestIds,
    locationId: [...shortcodes.slice(0, 5), ...locations.map((id) => encodeId('location', id))],
    location: shortcodes.slice(0, 5),
    locations: shortcodes.slice(0, 3),
    loopType: ['housekeeping', 'maintenance', 'feedback', 'concierge', 'nope'],
    event: ['checkin', 'checkout', 'roomready', 'CheckIn', 'nonsense'],
    Event: ['checkin', 'checkout'],
    checkedInStatus: ['true', 'false', true, 1, 'maybe'],
    username: ['benria', 'newuser', ''],
    survey: ['restaurant'],
    categoryId: (await ids(t, 'questions', 4)).map((id) => encodeId('question', id)),
  });
  return {
    name: 'loop',
    t,
    openapiUrl: '/loop/openapi.json',
    prefix: '/loop',
    arbitraryOptions: { hints },
    render(request) {
      const auth: Record<AuthKind, string | undefined> = {
        valid: `authToken=${token}`,
        wrong: `authToken=${wrongToken()}`,
        none: undefined,
        malformed: `authToken=${token}&authToken=${wrongToken()}`,
      };
      return injectOptions('/loop', request, withAuthQuery(request.pathAndQuery, auth[request.auth]), {});
    },
    async renew() {
      token = await issueCredential(t.database.db, demo.account.id, 'loop');
    },
    async replenish() {
      token = (await reseed(t))?.loopToken ?? token;
    },
    close: () => t.close(),
  };
}

async function looponFace(dialect: Dialect): Promise<FaceTarget> {
  const t = await createTestApp(dialect, { LOG_LEVEL: 'error' });
  const demo = await ensureDemoAccount(t.database.db);
  let client = await createLooponClient(t, demo.account.id);
  const units = Object.values(demo.looponUnits.byName);
  const hints = hintsFrom({
    unitId: [...units, demo.looponUnits.chainId],
    evaluationId: await ids(t, 'evaluations'),
    answerDocumentId: await ids(t, 'answer_documents', 8),
    questionSetId: await ids(t, 'question_sets'),
    questionId: await ids(t, 'questions', 10),
    semanticId: ['0', '1', '2', 'nps', '-1'],
    stayId: [demo.looponUnits.chatStay.stayId, ...(await ids(t, 'stays'))],
    propertyCode: ['X01', 'X02', 'X03', 'x01', ''],
    source: ['poststay', 'reputation', 'instay', 'tripadvisor', 'nope'],
    reputationSources: ['tripadvisor', 'booking.com', 'tripadvisor,booking.com', ''],
    grant_type: ['client_credentials', 'password', ''],
    client_id: [client.clientId, 'unknown-client'],
    client_secret: [client.clientSecret, 'wrong-secret'],
    scope: ['basic', 'basic read_scores', 'read_answers manage_stays', 'admin', ''],
    status: ['booked', 'checkedIn', 'checkedOut', 'cancelled', 'BOOKED'],
    auth: ['none', 'basic', 'bearer', 'digest'],
  });
  const bad: Record<AuthKind, () => Record<string, string>> = {
    valid: () => client.headers,
    wrong: () => ({ authorization: `Bearer ${wrongToken()}` }),
    none: () => ({}),
    malformed: () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
  };
  return {
    name: 'loopon',
    t,
    openapiUrl: '/loopon/openapi.json',
    prefix: '/loopon',
    arbitraryOptions: { hints, extraHeaders: { version: ['1', '1', '1', '2', 'x', '', '1.0'] } },
    render(request) {
      return injectOptions('/loopon', request, request.pathAndQuery, bad[request.auth]());
    },
    async renew() {
      client = await createLooponClient(t, demo.account.id);
    },
    async replenish() {
      await reseed(t);
    },
    close: () => t.close(),
  };
}

async function prioFace(dialect: Dialect): Promise<FaceTarget> {
  const t = await createTestApp(dialect, { LOG_LEVEL: 'error' });
  const demo = await ensureDemoAccount(t.database.db);
  // The demo's keyed contact answers to the document's example uid too.
  await createDemoPrioClient(t.database.db, demo.account.id, demo.ids.contact, ['https://www.prioticketapis.com/auth/distributor/contacts'], 'prio');
  let client = await createPrioClient(t, demo.account.id);
  const guests = await ids(t, 'guests');
  const hints = hintsFrom({
    contact_uid: [EXAMPLE_CONTACT_UID, ...guests.map(mintedUid), 'not-a-uuid', '00000000-0000-4000-8000-000000000000'],
    contact_type: ['GUEST', 'BOOKER', 'CONTACT', 'guest', 'VIP', ''],
    items_per_page: ['10', '1', '0', '-1', '500', '501', '1.5', 'x'],
    start_index: ['1', '2', '0', '99999', 'x'],
    page: ['1', '2', '0', '99999999999999999999', 'x'],
    include_versions: ['true', 'false', '1', 'maybe'],
    order_reference: [['ORDRREF123456'], '["ORDRREF123456"]', 'nope'],
    grant_type: ['client_credentials', 'password', ''],
    client_id: [client.clientId, 'unknown-client'],
    client_secret: [client.clientSecret, 'wrong-secret'],
    scope: ['https://www.prioticketapis.com/auth/distributor/contacts', 'basic', ''],
  });
  const bad: Record<AuthKind, () => Record<string, string>> = {
    valid: () => client.headers,
    wrong: () => ({ authorization: `Bearer ${wrongToken()}` }),
    none: () => ({}),
    malformed: () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
  };
  return {
    name: 'prio',
    t,
    openapiUrl: `${PRIO}/openapi.json`,
    prefix: PRIO,
    arbitraryOptions: { hints, extraHeaders: { 'if-modified-since': ['Wed, 21 Jan 2022 07:28:00 GMT', 'Fri, 01 Jan 2100 00:00:00 GMT', 'soon'] } },
    render(request) {
      return injectOptions(PRIO, request, request.pathAndQuery, bad[request.auth]());
    },
    async renew() {
      client = await createPrioClient(t, demo.account.id);
    },
    async replenish() {
      await reseed(t);
    },
    close: () => t.close(),
  };
}

/** The records one line of each import carries (docs/import.md), for schema-shaped import lines. */
const IMPORT_LINES: Record<string, JsonSchema> = {
  '/v1/imports/reviews': {
    type: 'object',
    required: ['channel', 'externalId', 'reviewDate'],
    properties: {
      unitId: { type: 'integer', minimum: 1 },
      propertyCode: { type: 'string' },
      channel: { type: 'string', maxLength: 20 },
      externalId: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      reviewDate: { type: 'string' },
      stayDate: { type: 'string' },
      rating: { type: 'number', minimum: 0, maximum: 10 },
      normalizedRating: { type: 'number', minimum: 0, maximum: 1 },
      respondable: { type: 'boolean' },
      ratings: {
        type: 'array',
        items: { type: 'object', properties: { question: { type: 'string' }, score: { type: 'number' }, textAnswer: { type: 'string' } } },
      },
    },
  },
  '/v1/imports/reputation': {
    type: 'object',
    required: ['date'],
    properties: {
      unitId: { type: 'integer', minimum: 1 },
      propertyCode: { type: 'string' },
      date: { type: 'string' },
      source: { type: 'string' },
      rank: { type: 'number' },
      rankOf: { type: 'integer' },
      score: { type: 'number', minimum: 0, maximum: 10 },
      normalizedScore: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
  '/v1/imports/answer-documents': {
    type: 'object',
    required: ['externalId'],
    properties: {
      externalId: { type: 'string' },
      unitId: { type: 'integer', minimum: 1 },
      propertyCode: { type: 'string' },
      source: { type: 'string' },
      checkinDate: { type: 'string' },
      checkoutDate: { type: 'string' },
      received: { type: 'string' },
      guestName: { type: 'string' },
      answers: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            semanticId: { type: 'integer' },
            questionId: { type: 'integer' },
            answerNumber: { type: 'number' },
            answerOption: { type: 'integer' },
            answerText: { type: 'string' },
          },
        },
      },
    },
  },
};

async function adminFace(dialect: Dialect): Promise<FaceTarget> {
  const t = await createTestApp(dialect, { LOG_LEVEL: 'error' });
  const demo = await ensureDemoAccount(t.database.db);
  let token = demo.adminToken;
  const client = await createLooponClient(t, demo.account.id);
  const locations = await ids(t, 'locations', 12);
  const guests = await ids(t, 'guests');
  const small = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const hints = hintsFrom({
    id: small,
    locationId: locations,
    locationIds: locations,
    unitIds: locations,
    parentId: locations,
    memberIds: locations,
    defaultEvaluationId: await ids(t, 'evaluations'),
    survivorId: guests,
    otherId: guests,
    clientId: [client.clientId, 'nope'],
    key: ['loop:abc123', 'abc123', 'loop:', ':x'],
    propertyCode: ['X01', 'X02', 'X03', 'NEW1'],
    shortcode: ['1100', 'room', 'restaurant', 'housekeeping', 'new-code'],
    pattern: ['noemail@*', '+1613555*', 'rule:one-repeated-digit', '*', ''],
    kind: ['loop', 'admin', 'location', 'chain', 'competitor', 'email', 'phone', 'x'],
    semanticId: [0, 1, 2, 99],
    scopes: [['basic'], ['basic', 'read_scores'], ['nope']],
  });
  const header: Record<AuthKind, () => Record<string, string>> = {
    valid: () => ({ authorization: `Bearer ${token}` }),
    wrong: () => ({ authorization: `Bearer ${wrongToken()}` }),
    none: () => ({}),
    malformed: () => ({ authorization: `Token ${token}` }),
  };
  return {
    name: 'admin',
    t,
    openapiUrl: '/admin/openapi.json',
    prefix: '/admin',
    arbitraryOptions: { hints, lineSchemas: IMPORT_LINES },
    render(request) {
      return injectOptions('/admin', request, request.pathAndQuery, header[request.auth]());
    },
    async renew() {
      token = await issueCredential(t.database.db, demo.account.id, 'admin');
    },
    async replenish() {
      token = (await reseed(t))?.adminToken ?? token;
    },
    close: () => t.close(),
  };
}

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

async function fideltourFace(dialect: Dialect): Promise<FaceTarget> {
  const t = await createTestApp(dialect, { LOG_LEVEL: 'error' });
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
  const header: Record<AuthKind, () => Record<string, string>> = {
    valid: () => ({ authorization: `Token ${token}` }),
    wrong: () => ({ authorization: `Token ${wrongToken()}` }),
    none: () => ({}),
    malformed: () => ({ authorization: `Bearer ${token}` }),
  };
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

/** The face on a fresh test app of the dialect, seeded with the demo account. */
export async function createFaceTarget(name: FaceName, dialect: Dialect): Promise<FaceTarget> {
  const face = await { loop: loopFace, loopon: looponFace, prio: prioFace, admin: adminFace, fideltour: fideltourFace }[name](dialect);
  await installWriteCounters(face.t.database.db, dialect);
  return face;
}
