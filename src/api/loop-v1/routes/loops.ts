import { loopWrite } from '../write-context.js';
import { Type } from '@sinclair/typebox';
import { getLocation } from '../../../core/locations/locations.js';
import { listLoopsOfGuest, openLoop } from '../../../core/requests/loops.js';
import { badRequest } from '../../../core/shared/errors.js';
import type { LoopApp, LoopDeps } from '../context.js';
import { encodeId } from '../ids.js';
import { loopIdsOf } from '../face-ids.js';
import { loopPageUrl } from '../links.js';
import { readCustomFields, readDate, readString } from '../parse.js';
import { presentLoop } from '../presenters.js';
import { AuthQuery, CustomFieldsBody, Hex24, KeyOrNumber, KeyString, LoopSchema, StringOrNumber, VersionParams, errorResponses } from '../schemas.js';
import { resolveCreator, resolveGuest, resolveLocation, resolveLoopType } from './resolve.js';
import { resolveCustomFieldKeys } from './custom-field-keys.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

const CreateLoopBody = Type.Object({
  version: Type.Optional(Type.String()),
  source: Type.Optional(Type.String({ description: 'origin of the loop: kiosk, mobile, smart-clock...' })),
  deviceId: Type.Optional(StringOrNumber),
  location: Type.String({ description: 'location id (or shortcode)' }),
  loopType: Type.String({ description: 'loop type id (or shortcode)' }),
  customFields: Type.Optional(CustomFieldsBody),
  title: Type.Optional(Type.String()),
  description: Type.String({ description: 'the message text' }),
  timestamp: Type.Optional(StringOrNumber),
  user: Type.Optional(Type.Object({ name: Type.Optional(Type.String()), email: Type.Optional(KeyString), sms: Type.Optional(KeyOrNumber) })),
  customer: Type.Optional(Type.String()),
});

/** POST /loops opens a guest request; GET /loops?customer= lists a guest's requests. */
export async function loopRoutes(app: LoopApp, { db, config, realtime }: LoopDeps): Promise<void> {
  app.post(
    '/loops',
    {
      schema: {
        summary: 'Create a loop (a guest request) at a location',
        params: VersionParams,
        querystring: AuthQuery,
        body: CreateLoopBody,
        response: { 200: Type.Object({ id: Hex24, url: Type.String() }), ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const body = request.body;
      const description = body.description.trim();
      if (!description) throw badRequest('description is required');
      const createdAt = readDate(body.timestamp, 'timestamp');
      const loop = await inWriteTransaction(db, async (trx) => {
        const location = await resolveLocation(trx, accountId, body.location);
        const loopType = await resolveLoopType(trx, accountId, body.loopType);
        const customFields = await resolveCustomFieldKeys(trx, accountId, readCustomFields(body.customFields) ?? {});
        const ctx = loopWrite(request, trx);
        const creator = await resolveCreator(ctx, body);
        const { loop, activity } = await openLoop(ctx, {
          locationId: location.id,
          loopTypeId: loopType.id,
          creatorGuestId: creator?.id ?? null,
          creatorName: creator?.name ?? null,
          source: readString(body.source, 'source') ?? 'api',
          deviceId: readString(body.deviceId, 'deviceId') ?? null,
          title: body.title?.trim() || null,
          description,
          medium: readString(body.source, 'source') ?? 'api',
          customFields,
          createdAt,
          contact: { email: creator?.email, sms: creator?.mobile },
        });
        return { ...loop, activities: [activity] };
      });
      realtime.hub.publish({ kind: 'request', accountId, change: 'opened', request: loop });
      return { id: encodeId('loop', loop.id), url: await loopPageUrl(db, config, accountId, loop.id) };
    },
  );

  app.get(
    '/loops',
    {
      schema: {
        summary: 'List the loops created by a customer',
        params: VersionParams,
        querystring: Type.Object({ authToken: Type.Optional(Type.String()), customer: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ loops: Type.Array(LoopSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const customer = request.query.customer;
      if (!customer) throw badRequest('customer query parameter is required');
      const guest = await resolveGuest(db, accountId, customer, 'customer');
      const loops = await listLoopsOfGuest(db, accountId, guest.id);
      const locations = new Map<number, Awaited<ReturnType<typeof getLocation>>>();
      for (const loop of loops) {
        if (!locations.has(loop.location_id)) locations.set(loop.location_id, await getLocation(db, accountId, loop.location_id));
      }
      const guestIds = await loopIdsOf(
        db,
        accountId,
        'guest',
        loops.flatMap((loop) => [loop.creator_guest_id, ...loop.activities.map((a) => a.person_guest_id)].filter((id): id is number => id !== null)),
      );
      return { loops: loops.map((loop) => presentLoop(loop, locations.get(loop.location_id)!, loops.length, guestIds)) };
    },
  );
}
