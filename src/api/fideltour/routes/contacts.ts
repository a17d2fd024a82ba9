import type { FastifyInstance } from 'fastify';
import {
  createLoyaltyContact,
  findLoyaltyContact,
  listLoyaltyContacts,
  updateLoyaltyContact,
  type LoyaltyContactInput,
} from '../../../core/loyalty/contacts.js';
import { badRequest, notFound } from '../../../core/shared/errors.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { FideltourDeps } from '../context.js';
import { bodyOf, optionalBoolean, optionalDate, optionalString, pathId, queryValue, type Body } from '../input.js';
import { listAnswer, pageOf } from '../paging.js';
import { presentContact } from '../presenters.js';

const FIELDS = new Set([
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
]);
/** Read-only fields a client may send back as it read them (ignored). */
const READ_ONLY = new Set([
  'id',
  'is_loyalty',
  'loyalty_email',
  'loyalty_sign_in_date',
  'level',
  'points',
  'level_points',
  'loyalty_id',
  'loyalty_bookings',
  'loyalty_nights',
  'loyalty_last_booking_date',
  'loyalty_custom_tag_timestamp',
  'created_at',
  'updated_at',
]);

function customFields(body: Body): Record<string, string> | undefined {
  const value = body.custom_fields;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('custom_fields: must be an object');
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object') throw badRequest(`custom_fields.${key}: must be a string, number or boolean`);
    out[key] = v === null ? '' : String(v);
  }
  return out;
}

/** The contact fields of a body; an unknown field is a 400. */
export function readContact(body: Body): LoyaltyContactInput {
  for (const key of Object.keys(body)) if (!FIELDS.has(key) && !READ_ONLY.has(key)) throw badRequest(`${key}: unknown field`);
  const email = optionalString(body, 'email', 254);
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) throw badRequest('email: enter a valid email address');
  const gender = optionalString(body, 'gender', 20);
  return {
    fields: {
      firstName: optionalString(body, 'name'),
      lastName: optionalString(body, 'surname'),
      email: email === '' ? null : email,
      mobile: optionalString(body, 'phone1', 40),
      language: optionalString(body, 'language', 10),
      customFields: customFields(body),
    },
    extras: {
      phone2: optionalString(body, 'phone2', 40),
      birthday: optionalDate(body, 'birthday'),
      gender,
      country: optionalString(body, 'country', 60),
      subscribed: optionalBoolean(body, 'subscribed'),
    },
    externalObjectId: optionalString(body, 'external_object_id') || undefined,
  };
}

/** Contacts: the account's guests as the Loyalty API shows them. */
export async function contactRoutes(app: FastifyInstance, { db, config }: FideltourDeps): Promise<void> {
  app.get('/contacts/', { schema: { tags: ['contacts'], summary: 'List contacts (filters email__iexact, external_object_id)' } }, async (request) => {
    const page = pageOf(request);
    const email = queryValue(request.query, 'email__iexact') ?? queryValue(request.query, 'email');
    const externalObjectId = queryValue(request.query, 'external_object_id');
    const { count, contacts } = await listLoyaltyContacts(db, request.loyaltyCaller.accountId, {
      email: email || undefined,
      externalObjectId: externalObjectId || undefined,
      ...page,
    });
    return listAnswer(config, request, page, count, contacts.map(presentContact));
  });

  app.post(
    '/contacts/',
    { schema: { tags: ['contacts'], summary: 'Create a contact (identity resolution: an existing guest answers 200)' } },
    async (request, reply) => {
      const input = readContact(bodyOf(request));
      const { accountId } = request.loyaltyCaller;
      const { guestId, created } = await inWriteTransaction(db, (trx) => createLoyaltyContact(trx, accountId, input));
      const contact = await findLoyaltyContact(db, accountId, guestId);
      if (!contact) throw notFound('contact');
      return reply.status(created ? 201 : 200).send(presentContact(contact));
    },
  );

  app.get<{ Params: { id: string } }>('/contacts/:id/', { schema: { tags: ['contacts'], summary: 'Get a contact' } }, async (request) => {
    const contact = await findLoyaltyContact(db, request.loyaltyCaller.accountId, pathId(request.params.id, 'contact'));
    if (!contact) throw notFound('contact');
    return presentContact(contact);
  });

  app.patch<{ Params: { id: string } }>('/contacts/:id/', { schema: { tags: ['contacts'], summary: 'Change a contact' } }, async (request) => {
    const id = pathId(request.params.id, 'contact');
    const input = readContact(bodyOf(request));
    const { accountId } = request.loyaltyCaller;
    await inWriteTransaction(db, (trx) => updateLoyaltyContact(trx, accountId, id, input));
    const contact = await findLoyaltyContact(db, accountId, id);
    if (!contact) throw notFound('contact');
    return presentContact(contact);
  });
}
