import { registerGuestStay } from '../../../core/stay-registration/register-guest-stay.js';
import { requireScope, unitFor } from '../access.js';
import type { LooponApp, LooponDeps } from '../context.js';
import { UnitIdParams, errors } from '../schemas.js';
import { readStayCallback, readStayRegistration } from './stays-input.js';
import { presentChatSession, presentStay, stayPageUrl } from './stays-present.js';
import { looponUnitId } from '../face-ids.js';
import { StayBody, StaySchema } from './stays-schemas.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import { apiClientActor, inTransaction } from '../../../core/shared/write-context.js';
import { requestOrigin } from '../../http/write-origin.js';

/** Stays registered through this face are recorded with this source. */
export const LOOPON_STAY_SOURCE = 'loopon';

/**
 * POST /units/{unitId}/stays: Register Guest Stay. Reads the body and the token's scopes, runs
 * core's registerGuestStay in one transaction, and answers the Stay with its fresh guest URL
 * (and the guest's chat session when the token has chat_sessions).
 */
export async function stayRoutes(app: LooponApp, { db, config, secrets }: LooponDeps): Promise<void> {
  app.post(
    '/units/:unitId/stays',
    {
      schema: {
        summary: 'Register Guest Stay',
        description:
          'Registers a stay, or returns the existing one matched by booking reference, e-mail + dates or mobile + dates ' +
          '(updating room, status and callback). Requires manage_stays; a stayCallback also requires chat_sessions.',
        params: UnitIdParams,
        body: StayBody,
        response: { 200: StaySchema, ...errors(400, 403, 404, 413) },
      },
    },
    async (request) => {
      requireScope(request, 'manage_stays');
      const { unit } = await unitFor(db, request, request.params.unitId);
      const body = request.body as Record<string, unknown>;
      const { accountId, clientId, scopes } = request.grant;
      if (body.stayCallback !== undefined && body.stayCallback !== null) requireScope(request, 'chat_sessions');
      const registration = readStayRegistration(body);
      const callback = readStayCallback(body.stayCallback, config.allowPrivateCallbackUrls);
      const withChat = scopes.includes('chat_sessions');

      const asked = { clientId, callback, withChat, source: LOOPON_STAY_SOURCE };
      const { stay, guest, link, session } = await inWriteTransaction(db, (trx) =>
        registerGuestStay(inTransaction(requestOrigin(request, accountId, apiClientActor(clientId)), trx), unit.id, registration, asked, secrets),
      );
      return presentStay(stay, guest, {
        url: stayPageUrl(config, link.token),
        unitId: looponUnitId(unit),
        chatSession: session ? presentChatSession(config, session) : undefined,
      });
    },
  );
}
