import { adminWrite } from '../write-context.js';
import { visibleGuests } from '../guest-scope.js';
import type { Static } from '@sinclair/typebox';
import { listGuestKeys } from '../../../core/guests/guest-keys.js';
import { parseGuestKey } from '../../../core/guests/guest-key-ref.js';
import { findGuest, updateGuest, type GuestFields } from '../../../core/guests/guests.js';
import { normaliseArrivalFields, resolveArrival } from '../../../core/guests/identity.js';
import { listGuests } from '../../../core/guests/list-guests.js';
import { listGuestMatches } from '../../../core/guests/match-records.js';
import { identifierStatus } from '../../../core/guests/identity.js';
import { mergeGuests } from '../../../core/merges/merge-guests.js';
import { listMergesSurvived, readMergeRecord } from '../../../core/merges/merge-record.js';
import { splitGuest } from '../../../core/merges/split-guest.js';
import { findLocation } from '../../../core/locations/locations.js';
import { badRequest, notFound } from '../../../core/shared/errors.js';
import type { Db } from '../../../db/database.js';
import type { Guest } from '../../../db/schema.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { IdParams, errors } from '../schemas.js';
import { presentGuest, presentGuestKey, presentMatch, presentMerge } from './guests-present.js';
import {
  ArrivalResultSchema,
  GuestArrival,
  GuestDetailSchema,
  GuestListQuery,
  GuestListSchema,
  GuestPatch,
  MergeBody,
  MergeResultSchema,
  SplitBody,
  SplitResultSchema,
} from './guests-schemas.js';

const tags = ['guests'];
/** Who merges and splits through this API: an account admin token names no person. */
function readFields(body: Static<typeof GuestPatch>): GuestFields {
  const { firstName, lastName, name, email, mobile, language, vipStatus, groupName, customFields } = body;
  return { firstName, lastName, name, email, mobile, language, vipStatus, groupName, customFields };
}

/** A guest with its keys, whether its values may match, recorded matches and the merges it survived; `requestedId` as asked. */
async function guestDetail(db: Db, accountId: number, guest: Guest, requestedId: number) {
  const [keys, matches, merges, identifiers] = await Promise.all([
    listGuestKeys(db, accountId, guest.id),
    listGuestMatches(db, accountId, guest.id),
    listMergesSurvived(db, accountId, guest.id),
    identifierStatus(db, accountId, guest),
  ]);
  return {
    ...presentGuest(guest),
    requestedId,
    identifiers,
    keys: keys.map(presentGuestKey),
    matches: matches.map(presentMatch),
    merges: merges.map(presentMerge),
  };
}

async function getGuestAsked(db: Db, accountId: number, id: number): Promise<Guest> {
  const guest = await findGuest(db, accountId, id);
  if (!guest) throw notFound(`guest ${id}`);
  return guest;
}

/**
 * Guests as staff see them: find one by e-mail, mobile or key; add one through identity resolution
 * (the same decision every face takes); correct a profile; merge two records of one person; split
 * off one key. A merged-away id answers as its survivor everywhere.
 */
export async function guestRoutes(app: AdminApp, { db, realtime }: AdminDeps): Promise<void> {
  app.get(
    '/guests',
    {
      schema: {
        tags,
        summary: 'List guests',
        description: 'Oldest first; e-mail and mobile are normalised as arrivals are (exact match), name matches a part; merged-away guests are never listed.',
        querystring: GuestListQuery,
        response: { 200: GuestListSchema, ...errors(400) },
      },
    },
    async (request) => {
      const { email, mobile, key, name, limit = 50, offset = 0 } = request.query;
      const guests = await listGuests(db, request.accountId, { email, mobile, name, key: key === undefined ? undefined : parseGuestKey(key), limit, offset });
      // A staff member of some locations sees the page's guests of those locations (a page may come out short; nextOffset still pages).
      const visible = await visibleGuests(
        db,
        request,
        guests.map((g) => g.id),
      );
      return { guests: guests.filter((g) => visible.has(g.id)).map(presentGuest), limit, offset, nextOffset: guests.length === limit ? offset + limit : null };
    },
  );

  app.post(
    '/guests',
    {
      schema: {
        tags,
        summary: 'Add a guest (identity resolution)',
        description:
          'An arrival of source "admin": the guest the key names, else the one its e-mail or mobile names (when that value names one person), ' +
          'else a new guest. 201 when a guest was created, 200 when an existing one was found; `rule` and `reason` say why.',
        body: GuestArrival,
        response: { 200: ArrivalResultSchema, 201: ArrivalResultSchema, ...errors(400, 404, 413) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const { key: keyText, locationId, ...profile } = request.body;
      const fields = readFields(profile);
      const key = keyText === undefined ? undefined : parseGuestKey(keyText);
      if (!key && Object.values(fields).every((v) => v === undefined || v === null)) {
        throw badRequest('a guest needs at least one of key, email, mobile, name, firstName, lastName...');
      }
      const resolved = await inWriteTransaction(db, async (trx) => {
        if (locationId != null && !(await findLocation(trx, accountId, locationId))) throw notFound(`location ${locationId}`);
        return resolveArrival(adminWrite(request, trx), { source: 'admin', key, fields, locationId });
      });
      const body = { guest: presentGuest(resolved.guest), created: resolved.created, rule: resolved.rule, reason: resolved.reason ?? null };
      return reply.status(resolved.created ? 201 : 200).send(body);
    },
  );

  app.get(
    '/guests/:id',
    {
      schema: {
        tags,
        summary: 'Get a guest with its keys, matches and merges',
        description: 'A merged-away id answers with its survivor; `requestedId` is the id asked for.',
        params: IdParams,
        response: { 200: GuestDetailSchema, ...errors(400, 404) },
      },
    },
    async (request) => {
      const guest = await getGuestAsked(db, request.accountId, request.params.id);
      if (!(await visibleGuests(db, request, [guest.id])).has(guest.id)) throw notFound(`guest ${request.params.id}`);
      return guestDetail(db, request.accountId, guest, request.params.id);
    },
  );

  app.patch(
    '/guests/:id',
    {
      schema: {
        tags,
        summary: 'Change a guest profile',
        description: 'Only the fields sent change; null clears. E-mail and mobile are normalised as arrivals are. A merged-away id changes its survivor.',
        params: IdParams,
        body: GuestPatch,
        response: { 200: GuestDetailSchema, ...errors(400, 404, 413) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const { id } = request.params;
      const guest = await inWriteTransaction(db, async (trx) => {
        const current = await getGuestAsked(trx, accountId, id);
        return updateGuest(adminWrite(request, trx), current, await normaliseArrivalFields(trx, accountId, readFields(request.body)));
      });
      return guestDetail(db, accountId, guest, id);
    },
  );

  app.post(
    '/guests/merge',
    {
      schema: {
        tags,
        summary: 'Merge two guests into one',
        description:
          "Everything of otherId (keys, stays, loops, answers, journey, chat, match records) moves to survivorId, the survivor's empty fields " +
          'are filled from it, and otherId keeps answering as the survivor. Refused (409, nothing changes) for a guest already merged away ' +
          'or when both hold something that must stay single (a chat session at one location).',
        body: MergeBody,
        response: { 200: MergeResultSchema, ...errors(400, 404, 409, 413) },
      },
    },
    async (request) => {
      const { survivorId, otherId } = request.body;
      const merged = await inWriteTransaction(db, (trx) => mergeGuests(adminWrite(request, trx), survivorId, otherId));
      for (const changed of merged.requests) realtime.hub.publish({ kind: 'request', accountId: request.accountId, change: 'updated', request: changed });
      return { merge: presentMerge(readMergeRecord(merged.merge)), survivor: presentGuest(merged.survivor) };
    },
  );

  app.post(
    '/guests/:id/split',
    {
      schema: {
        tags,
        summary: 'Split one external key off a guest',
        description:
          'When the key came with a merge not yet split, that merge is undone exactly and the merged guest comes back (same id). ' +
          "Otherwise a new guest (names and language copied; e-mail and mobile stay) takes the key, its stay and that stay's journey " +
          'events, answer documents and chat events.',
        params: IdParams,
        body: SplitBody,
        response: { 200: SplitResultSchema, ...errors(400, 404, 409, 413) },
      },
    },
    async (request) => {
      const { source, value } = parseGuestKey(request.body.key);
      const split = await inWriteTransaction(db, (trx) => splitGuest(adminWrite(request, trx), request.params.id, source, value));
      for (const changed of split.requests) realtime.hub.publish({ kind: 'request', accountId: request.accountId, change: 'updated', request: changed });
      return { guest: presentGuest(split.guest), splitOff: presentGuest(split.splitOff), restoredMergeId: split.restoredMergeId, moved: split.moved };
    },
  );
}
