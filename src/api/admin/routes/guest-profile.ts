import type { Static } from '@sinclair/typebox';
import { eraseGuest } from '../../../core/guest-profile/erase-guest.js';
import { exportGuest } from '../../../core/guest-profile/export-guest.js';
import { readGuestTimeline } from '../../../core/guest-profile/timeline.js';
import { findGuest } from '../../../core/guests/guests.js';
import { notFound } from '../../../core/shared/errors.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { ErrorBody, IdParams, errors } from '../schemas.js';
import { adminWrite } from '../write-context.js';
import { EraseQuery, ErasureSchema, GuestExportSchema, TimelineQuery, TimelineSchema } from './guest-profile-schemas.js';

const tags = ['guests'];
const JSON_COLUMNS = /^(payload|data|custom_fields|moved|snapshot|variables|option_ids|title|description|placeholder)$/;
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Stored rows in camelCase with their JSON text columns parsed (what an export shows). */
function presentRows(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(presentRows);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    let v = raw;
    if (typeof v === 'string' && JSON_COLUMNS.test(key) && /^[[{]/.test(v)) {
      try {
        v = JSON.parse(v);
      } catch {
        // not JSON: kept as text
      }
    }
    out[camel(key)] = presentRows(v);
  }
  return out;
}

/**
 * A guest's profile across modules: one timeline, the export of everything held and erasure.
 * Composed by core/guest-profile from each module's own functions.
 */
export async function guestProfileRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get(
    '/guests/:id/timeline',
    {
      schema: {
        tags,
        summary: "A guest's timeline across every face",
        description:
          'Stays (and their status changes), journey events, requests and their activities, chat events, survey answers and reviews ' +
          'linked to the guest, loyalty operations, messages with their delivery state, merges and splits: newest first, paged by the ' +
          '`next` cursor. A merged-away id answers with its survivor.',
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: TimelineSchema, ...errors(400, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const guest = await findGuest(db, request.accountId, id);
      if (!guest) throw notFound(`guest ${id}`);
      const page = await readGuestTimeline(db, request.accountId, [guest.id], request.query.before, request.query.limit ?? 50);
      return { guestId: guest.id, requestedId: id, ...page };
    },
  );

  app.get(
    '/guests/:id/export',
    {
      schema: {
        tags,
        summary: 'Export everything held about a guest',
        description:
          'One JSON document (a data-subject access request): the profile, keys, identity decisions, revisions, stays, journey, requests, ' +
          'chat, answer documents, loyalty membership and operations, messages and merges. Sent as an attachment.',
        params: IdParams,
        response: { 200: GuestExportSchema, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const held = await exportGuest(db, request.accountId, request.params.id);
      reply.header('content-disposition', `attachment; filename="guest-${held.guest.id}.json"`);
      return { exportedAt: Date.now(), ...(presentRows(held) as object) } as Static<typeof GuestExportSchema>;
    },
  );

  app.post(
    '/guests/:id/erase',
    {
      schema: {
        tags,
        summary: 'Erase a guest (right to erasure)',
        description:
          'In one transaction: requests, chat, messages, rule firings and the loyalty membership are removed; answer documents are ' +
          'anonymised (guest, stay, name, e-mail, reservation and free text removed; options and scores kept, so statistics do not ' +
          'change); then the guest with its keys, stays and journey is deleted and leaves a tombstone, so every face answers its ids as ' +
          'a deleted guest (404; the Contacts face lists it as deleted). A `guest.erased` event names the actor. A loyalty member with a ' +
          'positive balance is refused (409 loyalty_balance) unless `force=true`. Asking again answers 200 with `erased: false`.',
        params: IdParams,
        querystring: EraseQuery,
        response: { 200: ErasureSchema, 409: ErrorBody, ...errors(400, 404) },
      },
    },
    async (request) => {
      const force = request.query.force === true;
      return inWriteTransaction(db, (trx) => eraseGuest(adminWrite(request, trx), request.params.id, { force }));
    },
  );
}
