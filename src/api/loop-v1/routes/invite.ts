import { loopWrite } from '../write-context.js';
import { Type } from '@sinclair/typebox';
import { resolveArrival } from '../../../core/guests/identity.js';
import type { LoopApp, LoopDeps } from '../context.js';
import { loopIdOf } from '../face-ids.js';
import { invitePageUrl } from '../links.js';
import { readCustomFields, readString } from '../parse.js';
import { AuthQuery, CustomFieldsBody, Hex24, KeyOrNumber, KeyString, VersionParams, errorResponses } from '../schemas.js';
import { resolveLocation } from './resolve.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

const InviteBody = Type.Object({
  locationId: Type.Optional(Type.String()),
  location: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  email: Type.Optional(KeyString),
  sms: Type.Optional(KeyOrNumber),
  mobile: Type.Optional(KeyOrNumber),
  customFields: Type.Optional(CustomFieldsBody),
});

/**
 * POST /invite/url: finds (identity resolution: e-mail, then sms) or creates the guest, overwrites
 * the custom fields sent, and returns a personalised invite URL. Sends nothing to the guest by itself.
 */
export async function inviteRoutes(app: LoopApp, { db, config }: LoopDeps): Promise<void> {
  app.post(
    '/invite/url',
    {
      schema: {
        summary: 'Generate an invite URL for a guest',
        description: 'Without name, email or sms no guest is created and a generic invite URL is returned.',
        params: VersionParams,
        querystring: AuthQuery,
        body: InviteBody,
        response: { 200: Type.Object({ guestId: Type.Optional(Hex24), url: Type.String() }), ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const body = request.body;
      const locationRef = readString(body.locationId ?? body.location, 'locationId');
      const fields = {
        name: readString(body.name, 'name'),
        email: readString(body.email, 'email'),
        mobile: readString(body.sms ?? body.mobile, 'sms'),
        customFields: readCustomFields(body.customFields),
      };
      const result = await inWriteTransaction(db, async (trx) => {
        const location = locationRef ? await resolveLocation(trx, accountId, locationRef) : undefined;
        if (!fields.name && !fields.email && !fields.mobile) return { location, guest: undefined };
        const { guest } = await resolveArrival(loopWrite(request, trx), { source: 'loop', fields, locationId: location?.id });
        return { location, guest };
      });
      const shortcode = result.location?.shortcode ?? (result.location ? loopIdOf('location', result.location) : 'any');
      const url = await invitePageUrl(db, config, accountId, shortcode, result.guest);
      return result.guest ? { guestId: loopIdOf('guest', result.guest), url } : { url };
    },
  );
}
