import { loopWrite } from '../write-context.js';
import { Type } from '@sinclair/typebox';
import { findKeyedContact } from '../../../core/contacts/keyed-contact.js';
import type { Guest, Stay } from '../../../db/schema.js';
import { upsertContact } from '../../../core/contacts/upsert-contact.js';
import { recordGuestEvent } from '../../../core/contacts/record-guest-event.js';
import { badRequest, notFound } from '../../../core/shared/errors.js';
import type { LoopApp, LoopDeps } from '../context.js';
import { journeyTypeOfLoopWord } from '../journey-event-words.js';
import { readDate, readId, readString } from '../parse.js';
import { AuthQuery, StringOrNumber, Success, VersionParams, errorResponses } from '../schemas.js';
import { LOOP_KEY_SOURCE } from './contact.js';
import { ContactFieldsSchema, INCLUDED_CONTACT_KEYS, readContactFields } from './contact-fields.js';
import { resolveGuest } from './resolve.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

const EventBody = Type.Object({
  event: Type.Optional(Type.String({ description: 'checkin, checkout, roomready, ...' })),
  Event: Type.Optional(Type.String({ description: 'accepted as a synonym of event' })),
  contactId: Type.Optional(Type.String()),
  timestamp: Type.Optional(StringOrNumber),
  ...ContactFieldsSchema,
});

// Fields that identify the contact or describe the event; everything else is the event's payload.
const NOT_PAYLOAD = new Set(['event', 'Event', 'authToken']);

/**
 * POST /api/v1/ContactEvent: a journey event for a contact, by reference (foreignId or contactId)
 * or by inclusion (contact fields inline, creating or updating the contact first).
 */
export async function contactEventRoutes(app: LoopApp, { db }: LoopDeps): Promise<void> {
  app.post(
    '/ContactEvent',
    {
      schema: {
        summary: 'Register an event (checkin, roomready, checkout...) for a contact',
        description: 'By reference: foreignId or contactId. By inclusion: contact fields inline, which create or update the contact.',
        params: VersionParams,
        querystring: AuthQuery,
        body: EventBody,
        response: { 200: Success, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const body = request.body as Record<string, unknown>;
      const word = readString(body.event ?? body.Event, 'event');
      if (!word) throw badRequest('event is required');
      if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(word)) throw badRequest('event must be a short name such as checkin, roomready or checkout');
      const type = journeyTypeOfLoopWord(word);
      const foreignId = readString(body.foreignId, 'foreignId');
      const contactId = readId(body.contactId, 'contactId');
      const occurredAt = readDate(body.timestamp, 'timestamp');
      const byInclusion = INCLUDED_CONTACT_KEYS.some((k) => body[k] !== undefined);
      if (!foreignId && !contactId && !byInclusion) throw badRequest('foreignId or contactId is required');
      const payload = Object.fromEntries(Object.entries(body).filter(([k]) => !NOT_PAYLOAD.has(k)));
      const key = foreignId ? { source: LOOP_KEY_SOURCE, value: foreignId } : undefined;

      await inWriteTransaction(db, async (trx) => {
        let guest: Guest | undefined;
        // The stay under the event's key, when it was read with the guest (null: none there).
        let keyedStay: Stay | null | undefined;
        let locationId: number | undefined;
        if (contactId) guest = await resolveGuest(trx, accountId, contactId);
        if (byInclusion) {
          const fields = await readContactFields(trx, accountId, body);
          locationId = fields.stay.locationId ?? undefined;
          const contact = await upsertContact(loopWrite(request, trx), {
            source: 'loop',
            key,
            guest,
            fields: fields.guest,
            stay: fields.stay,
            uncheckedLocation: fields.uncheckedLocation,
          });
          guest = contact.guest;
          keyedStay = contact.stay;
        } else if (!guest && key) {
          const keyed = await findKeyedContact(trx, accountId, key.source, key.value);
          guest = keyed.guest;
          keyedStay = keyed.stay ?? null;
        }
        if (!guest) throw notFound(`contact "${foreignId ?? contactId}"`);
        await recordGuestEvent(loopWrite(request, trx), guest, { type, key, occurredAt, locationId, source: 'loop', payload }, keyedStay);
      });
      return { status: 'Success' as const };
    },
  );
}
