import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { lockGuestRows } from '../../../core/guests/guest-merge-state.js';
import { guestDetails } from '../../../core/guests/guest-details.js';
import { pageOfGuests } from '../../../core/guests/guest-page.js';
import { listGuestRevisions, lastGuestChange } from '../../../core/guests/guest-revisions.js';
import { findGuest, reviseGuest } from '../../../core/guests/guests.js';
import { normaliseArrivalFields } from '../../../core/guests/identity.js';
import { linkStaysByBookingReference } from '../../../core/stays/stays-by-booking.js';
import { AppError, badRequest, notFound } from '../../../core/shared/errors.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import { apiClientActor, inTransaction } from '../../../core/shared/write-context.js';
import { requestOrigin } from '../../http/write-origin.js';
import { httpDate, ifModifiedSince, lastModifiedSecond } from '../conditional.js';
import { CONTACT_TYPES, readContact } from '../contact-input.js';
import { contactUids, guestByContactUid } from '../contact-uid.js';
import { API_VERSION, type PrioApp, type PrioDeps } from '../context.js';
import { pageEnvelope, readPaging } from '../paging.js';
import { presentContact } from '../presenters.js';
import { ContactDetailResponse, ContactListResponse, ErrorModel } from '../schemas.js';

const ListQuery = Type.Object({
  reseller_id: Type.Optional(Type.String({ description: 'accepted; an account is one distributor with no resellers (docs/compat.md)' })),
  distributor_id: Type.Optional(Type.String({ description: 'accepted; an account is one distributor (docs/compat.md)' })),
  contact_type: Type.Optional(Type.String({ description: `one of ${CONTACT_TYPES.join(', ')}` })),
  contact_external_uid: Type.Optional(Type.String()),
  items_per_page: Type.Optional(Type.String({ description: 'default 10, at most 500 (the answer says the size used)' })),
  start_index: Type.Optional(Type.String({ description: '1-based position of the first item; wins over page' })),
  page: Type.Optional(Type.String({ description: '1-based page' })),
});
const UidParams = Type.Object({ contact_uid: Type.String() });
const errors = { 400: ErrorModel, 401: ErrorModel, 403: ErrorModel, 404: ErrorModel, 429: ErrorModel };

/** GET /contacts, GET /contacts/{contact_uid}, PUT /contacts/{contact_uid}. */
export async function contactRoutes(app: PrioApp, { db }: PrioDeps): Promise<void> {
  app.get(
    '/contacts',
    {
      schema: {
        summary: 'Get list of contacts',
        description: 'Every guest profile of the account, oldest first. If-Modified-Since: 304 with no body when no contact changed since.',
        querystring: ListQuery,
        response: { 200: ContactListResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { accountId } = request.prioGrant;
      const query = request.query as Record<string, string | undefined>;
      const paging = readPaging(query);
      const contactType = query.contact_type?.trim();
      if (contactType && !(CONTACT_TYPES as readonly string[]).includes(contactType)) {
        throw badRequest(`contact_type must be one of ${CONTACT_TYPES.join(', ')}`);
      }
      const externalUid = query.contact_external_uid?.trim();
      // Any change of the account's contacts (a write, a merge, a deletion) answers the list again.
      const changed = lastModifiedSecond(await lastGuestChange(db, accountId));
      const since = ifModifiedSince(request.headers['if-modified-since']);
      reply.header('last-modified', httpDate(changed));
      if (since !== undefined && changed <= since) return (reply as FastifyReply).status(304).send();
      const details = [
        ...(externalUid ? [{ name: 'externalId', value: externalUid }] : []),
        ...(contactType ? [{ name: 'contactKind', value: contactType, orMissing: contactType === 'CONTACT' }] : []),
      ];
      const { guests, total } = await pageOfGuests(db, accountId, { details, offset: paging.startIndex - 1, limit: paging.itemsPerPage });
      const uids = await contactUids(db, accountId, guests);
      const items = guests.map((g) => presentContact(g, uids.get(g.id)!));
      return { api_version: API_VERSION, data: { kind: 'contact' as const, ...pageEnvelope(paging, items.length, total), items } };
    },
  );

  app.get(
    '/contacts/:contact_uid',
    {
      schema: {
        summary: 'Get contact details',
        description: 'include_versions=true adds every earlier revision after the current one, newest first.',
        params: UidParams,
        querystring: Type.Object({ include_versions: Type.Optional(Type.String({ description: 'true or false (default)' })) }),
        response: { 200: ContactDetailResponse, ...errors },
      },
    },
    async (request) => {
      const { accountId } = request.prioGrant;
      const includeVersions = readBoolean((request.query as { include_versions?: string }).include_versions, 'include_versions');
      const guest = await guestByContactUid(db, accountId, request.params.contact_uid);
      if (!guest) throw notFound(`contact ${request.params.contact_uid}`);
      const uid = (await contactUids(db, accountId, [guest])).get(guest.id)!;
      const revisions = includeVersions ? (await listGuestRevisions(db, accountId, guest.id)).reverse() : [];
      const items = [guest, ...revisions].map((g) => presentContact(g, uid));
      return { api_version: API_VERSION, data: { kind: 'contact' as const, items } };
    },
  );

  app.put(
    '/contacts/:contact_uid',
    {
      schema: {
        summary: 'Update contact',
        description:
          'Overwrites the contact (fields left out are cleared) as a new version; the uid goes in the path and in data.contact. ' +
          'order_reference (repeated) links the bookings with those references to the contact.',
        params: UidParams,
        querystring: Type.Object({ order_reference: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])) }),
        body: Type.Unknown(),
        response: { 200: ContactDetailResponse, ...errors, 409: ErrorModel },
      },
    },
    async (request) => {
      const { accountId, clientId } = request.prioGrant;
      const contact = readBody(request.body);
      const pathUid = request.params.contact_uid.toLowerCase();
      if (typeof contact.contact_uid !== 'string' || contact.contact_uid.trim() === '') {
        throw badRequest('data.contact.contact_uid is required and must be the contact_uid of the path');
      }
      if (contact.contact_uid.trim().toLowerCase() !== pathUid) {
        throw badRequest(`data.contact.contact_uid (${contact.contact_uid}) does not match the contact_uid of the path (${request.params.contact_uid})`);
      }
      const orders = orderReferences(request);
      const { guest, uid } = await inWriteTransaction(db, async (trx) => {
        const found = await guestByContactUid(trx, accountId, pathUid);
        if (!found) throw notFound(`contact ${request.params.contact_uid}`);
        // PostgreSQL: the row is held until commit, so two PUTs of one contact make two versions.
        await lockGuestRows(trx, accountId, [found.id]);
        const current = (await findGuest(trx, accountId, found.id)) ?? found;
        const now = Date.now();
        const input = readContact(contact, guestDetails(current), `api-client:${clientId}`, now);
        const fields = await normaliseArrivalFields(trx, accountId, input.fields);
        const written = await reviseGuest(inTransaction(requestOrigin(request, accountId, apiClientActor(clientId)), trx), current, fields);
        const linked = await linkStaysByBookingReference(trx, accountId, orders, written.id);
        if (linked.unknown.length) throw new AppError('not_found', 404, `order_reference not found: ${linked.unknown.join(', ')}`);
        return { guest: written, uid: (await contactUids(trx, accountId, [written])).get(written.id)! };
      });
      return { api_version: API_VERSION, data: { kind: 'contact' as const, items: [presentContact(guest, uid)] } };
    },
  );
}

function readBoolean(value: string | undefined, name: string): boolean {
  const text = value?.trim().toLowerCase() ?? '';
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw badRequest(`${name} must be true or false`);
}

/** The PUT body {data:{kind:"contact", contact:{...}}}; its contact. */
function readBody(body: unknown): Record<string, unknown> {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(body)) throw badRequest('the body must be a JSON object {"data":{"kind":"contact","contact":{...}}}');
  if (!isObject(body.data)) throw badRequest('data is required: {"kind":"contact","contact":{...}}');
  if (body.data.kind !== undefined && body.data.kind !== 'contact') throw badRequest('data.kind must be "contact"');
  if (!isObject(body.data.contact)) throw badRequest('data.contact is required and must be an object');
  return body.data.contact;
}

/**
 * order_reference as a repeated query parameter; a value written as a JSON array (the spec's
 * example, ["ORDRREF123456","ORDRREF12345678"]) or with commas is read as its references too.
 */
function orderReferences(request: FastifyRequest): string[] {
  const raw = (request.query as { order_reference?: string | string[] }).order_reference;
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const value of values) {
    const text = value.trim();
    if (text.startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw badRequest('order_reference: a value written as a JSON array must be valid JSON');
      }
      if (!Array.isArray(parsed) || parsed.some((r) => typeof r !== 'string')) throw badRequest('order_reference: the JSON array must hold strings');
      out.push(...(parsed as string[]));
    } else out.push(...text.split(','));
  }
  const refs = out.map((r) => r.trim()).filter(Boolean);
  if (refs.some((r) => r.length > 200)) throw badRequest('order_reference: a reference is at most 200 characters');
  if (refs.length > 100) throw badRequest('order_reference: at most 100 references');
  return refs;
}
