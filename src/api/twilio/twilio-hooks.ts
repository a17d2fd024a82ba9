import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';
import type { ChatHub } from '../../core/chat/chat-hub.js';
import { receiveGuestSms } from '../../core/guest-sms/receive-sms.js';
import { recordSmsStatus } from '../../core/messaging/sms-status.js';
import { validTwilioSignature } from '../../core/messaging/twilio-signature.js';
import type { Db } from '../../db/database.js';
import { inWriteTransaction } from '../../db/write-transaction.js';

/*
 * Twilio's webhooks: delivery status callbacks of the SMS we sent (POST /hooks/twilio/status) and
 * SMS guests send to our number (POST /hooks/twilio/inbound). Both are form-encoded and signed
 * (X-Twilio-Signature over the PUBLIC_URL form of the address and the sorted POST parameters,
 * keyed with TWILIO_AUTH_TOKEN): a request without a valid signature, or to a server without the
 * Twilio settings, is a 403 and changes nothing.
 */

export interface TwilioHookDeps {
  db: Db;
  config: Config;
  hub: ChatHub;
}

type Params = Array<[string, string]>;
const FORM_LIMIT = 64 * 1024;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const param = (params: Params, name: string) => params.find(([n]) => n === name)?.[1];

function refuse(reply: FastifyReply, message: string) {
  return reply.status(403).send({ error: 'forbidden', message });
}

/** The form parameters of a request whose signature holds, or undefined once it answered 403. */
function verified(request: FastifyRequest, reply: FastifyReply, config: Config): Params | undefined {
  if (!config.twilio) {
    void refuse(reply, 'SMS is not configured here (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM)');
    return undefined;
  }
  const params: Params = [...new URLSearchParams(typeof request.body === 'string' ? request.body : '')];
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  const url = `${config.publicUrl.replace(/\/+$/, '')}${request.routeOptions.url}${query}`;
  const signature = request.headers['x-twilio-signature'];
  if (!validTwilioSignature(config.twilio.authToken, typeof signature === 'string' ? signature : undefined, url, params)) {
    void refuse(reply, 'X-Twilio-Signature is missing or does not match this request');
    return undefined;
  }
  return params;
}

export async function twilioHookRoutes(app: FastifyInstance, { db, config, hub }: TwilioHookDeps): Promise<void> {
  // The signature covers the parameters as sent: the body is kept as text and parsed here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_request, body, done) => done(null, body));

  app.post('/hooks/twilio/status', { schema: { hide: true } }, async (request, reply) => {
    const params = verified(request, reply, config);
    if (!params) return reply;
    const sid = param(params, 'MessageSid') ?? param(params, 'SmsSid');
    const status = param(params, 'MessageStatus') ?? param(params, 'SmsStatus');
    if (!sid || !status || !/^[a-z_]{1,30}$/i.test(status)) {
      return reply.status(400).send({ error: 'bad_request', message: 'MessageSid and MessageStatus are required' });
    }
    const outcome = await inWriteTransaction(db, (trx) => recordSmsStatus(trx, sid, status, param(params, 'ErrorCode') ?? null));
    // An unknown sid is answered 200 too: Twilio would only report it again.
    if (outcome === 'unknown_message') request.log.warn({ sid, status }, 'an SMS status callback names no message of ours');
    return reply.status(204).send();
  });

  app.post('/hooks/twilio/inbound', { schema: { hide: true } }, async (request, reply) => {
    const params = verified(request, reply, config);
    if (!params) return reply;
    const from = param(params, 'From');
    if (!from) return reply.status(400).send({ error: 'bad_request', message: 'From is required' });
    const result = await inWriteTransaction(db, (trx) =>
      receiveGuestSms(trx, { from, body: param(params, 'Body') ?? '', providerId: param(params, 'MessageSid') ?? param(params, 'SmsSid') ?? null }),
    );
    if (result.outcome === 'chat') {
      const { accountId, session, event } = result;
      hub.publish({ kind: 'event', accountId, sessionId: session.id, locationId: session.location_id, event });
    } else if (result.outcome === 'no_guest' || result.outcome === 'no_chat_session') {
      request.log.info({ outcome: result.outcome }, 'an inbound SMS found no guest chat to go to');
    }
    // An empty TwiML answer: no automatic reply (Twilio answers STOP and HELP itself).
    return reply.status(200).type('text/xml').send(EMPTY_TWIML);
  });
}
