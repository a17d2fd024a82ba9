import { loopOrigin, loopWrite } from '../write-context.js';
import { Type } from '@sinclair/typebox';
import { saveKeyedContact, upsertContact } from '../../../core/contacts/upsert-contact.js';
import { createKeyedContactCache } from '../../../core/contacts/keyed-contact-cache.js';
import { deleteGuest, deleteGuestByKey } from '../../../core/guests/guest-keys.js';
import { notFound, badRequest } from '../../../core/shared/errors.js';
import type { LoopApp, LoopDeps } from '../context.js';
import { loopIdOf } from '../face-ids.js';
import { readId, readString } from '../parse.js';
import { AuthQuery, StringOrNumber, SuccessWithId, VersionParams, errorResponses } from '../schemas.js';
import { ContactFieldsSchema, readContactFields } from './contact-fields.js';
import { resolveGuest } from './resolve.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

/** A Loop Contact's foreignId is kept as a guest key of this source. */
export const LOOP_KEY_SOURCE = 'loop';

const ContactBody = Type.Object({ ...ContactFieldsSchema, id: Type.Optional(Type.String()) });
const DeleteBody = Type.Union([Type.Object({ foreignId: Type.Optional(StringOrNumber), id: Type.Optional(Type.String()) }), Type.Null()]);

/** POST and DELETE /api/v1/Contact: where a Loop Contact becomes (or stops being) a guest row. */
export async function contactRoutes(app: LoopApp, { db }: LoopDeps): Promise<void> {
  const keyedContacts = createKeyedContactCache();

  app.post(
    '/Contact',
    {
      schema: {
        summary: 'Insert or update a contact keyed by foreignId',
        description: 'Only the fields sent change. No workflow rules are triggered; see ContactEvent.',
        params: VersionParams,
        querystring: AuthQuery,
        body: ContactBody,
        response: { 200: SuccessWithId, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const body = request.body as Record<string, unknown>;
      const foreignId = readString(body.foreignId, 'foreignId');
      const { guest: guestFields, stay, uncheckedLocation } = await readContactFields(db, accountId, body);
      const fields = { fields: guestFields, stay, uncheckedLocation };
      const guest = foreignId
        ? await saveKeyedContact(db, keyedContacts, loopOrigin(request), { key: { source: LOOP_KEY_SOURCE, value: foreignId }, ...fields })
        : await inWriteTransaction(db, async (trx) => {
            const existing = typeof body.id === 'string' ? await resolveGuest(trx, accountId, body.id) : undefined;
            return (await upsertContact(loopWrite(request, trx), { source: LOOP_KEY_SOURCE, guest: existing, ...fields })).guest;
          });
      return { status: 'Success' as const, id: loopIdOf('guest', guest) };
    },
  );

  app.delete(
    '/Contact',
    {
      schema: {
        summary: 'Delete a contact by foreignId or id',
        description: 'The key may be sent in the JSON body or as a query parameter.',
        params: VersionParams,
        querystring: Type.Object({ authToken: Type.Optional(Type.String()), foreignId: Type.Optional(Type.String()), id: Type.Optional(Type.String()) }),
        body: Type.Optional(DeleteBody),
        response: { 200: SuccessWithId, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const query = request.query as Record<string, string | undefined>;
      const foreignId = readString(body.foreignId ?? query.foreignId, 'foreignId');
      const id = readId(body.id ?? query.id, 'id');
      if (!foreignId && !id) throw badRequest('foreignId or id is required');
      const deleted = await inWriteTransaction(db, async (trx) => {
        const guest = id ? await resolveGuest(trx, accountId, id) : undefined;
        if (guest) {
          await deleteGuest(trx, accountId, guest.id);
          return guest;
        }
        const byKey = await deleteGuestByKey(trx, accountId, LOOP_KEY_SOURCE, foreignId!);
        if (byKey === undefined) throw notFound(`contact "${foreignId}"`);
        return byKey;
      });
      return { status: 'Success' as const, id: loopIdOf('guest', deleted) };
    },
  );
}
