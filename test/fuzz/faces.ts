import type { Dialect } from '../../src/db/database.js';
import { issueCredential } from '../../src/core/accounts/credentials.js';
import { ensureDemoAccount } from '../../src/core/demo/seed-demo.js';
import { encodeId } from '../../src/api/loop-v1/ids.js';
import { createTestApp } from '../helpers/app.js';
import { createLooponClient } from '../helpers/loopon.js';
import { createPrioClient, PRIO } from '../helpers/prio.js';
import { mintedUid } from '../../src/api/prio/contact-uid.js';
import { createDemoPrioClient, EXAMPLE_CONTACT_UID } from '../../src/core/demo/demo-prio-client.js';
import { installWriteCounters } from './fingerprint.js';
import { clientAuthHeaders, type FaceTarget, hintsFrom, ids, injectOptions, reseed, tokenAuthHeaders, withAuthQuery, wrongToken } from './face-kit.js';
import { fideltourFace } from './fideltour-face.js';
import type { AuthKind } from './request-arbitrary.js';
import type { JsonSchema } from './schema-arbitrary.js';

export type { FaceTarget } from './face-kit.js';

/*
 * The faces as fuzz targets: each on its own test app and database holding the demo account
 * (real locations, surveys, answers, reviews, a guest in house), with the names of its fields
 * mapped to values that name real rows, and its credential rendered per request.
 */

export type FaceName = 'loop' | 'loopon' | 'prio' | 'admin' | 'fideltour';
export const FACES: FaceName[] = ['loop', 'loopon', 'prio', 'admin', 'fideltour'];

async function loopFace(dialect: Dialect): Promise<FaceTarget> {
  const t = await createTestApp(dialect, { LOG_LEVEL: 'error' }, { demo: true });
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
  const t = await createTestApp(dialect, { LOG_LEVEL: 'error' }, { demo: true });
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
  const bad = clientAuthHeaders(() => client.headers);
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
  const t = await createTestApp(dialect, { LOG_LEVEL: 'error' }, { demo: true });
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
  const bad = clientAuthHeaders(() => client.headers);
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
  const t = await createTestApp(dialect, { LOG_LEVEL: 'error' }, { demo: true });
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
  const header = tokenAuthHeaders('Bearer', 'Token', () => token);
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

/** The face on a fresh test app of the dialect, seeded with the demo account. */
export async function createFaceTarget(name: FaceName, dialect: Dialect): Promise<FaceTarget> {
  const face = await { loop: loopFace, loopon: looponFace, prio: prioFace, admin: adminFace, fideltour: fideltourFace }[name](dialect);
  await installWriteCounters(face.t.database.db, dialect);
  return face;
}
