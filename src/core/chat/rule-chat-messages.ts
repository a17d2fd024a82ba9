import { inWriteTransaction } from '../../db/write-transaction.js';
import type { JobHandler } from '../jobs/job-worker.js';
import { chatRecipientLocation } from '../messaging/channels.js';
import { renderTemplate } from '../messaging/liquid.js';
import { absoluteLinks, unsubscribeUrl } from '../messaging/render-email.js';
import { transportJobHandler, type MessageTransport } from '../messaging/send-message.js';
import { pickTemplate } from '../messaging/templates.js';
import type { RetrySchedule } from '../outbox/retry-schedule.js';
import { parseJson } from '../shared/json.js';
import { writeContext } from '../shared/write-context.js';
import { postChatMessage } from './chat-messages.js';
import { attachChatSessionStay, chatSessionExpired, ensureChatSession } from './chat-sessions.js';

/*
 * The chat channel of guest messages (a rule's "send a chat message"): a plain-text template
 * rendered after the commit of its event and posted, as the hotel, into the guest's chat session
 * at the stay's location. A guest without one gets one, as a stay registration with chat opens
 * it (one session per guest and location, attached to the stay: register-guest-stay.ts), so the
 * message waits there for the guest app or stay page (it is stored, not pushed live: the worker
 * has no socket hub; apps see it when they fetch or reconnect). Its author is the hotel, named as
 * the location. Delivery is at least once, as every outbox action's: the chat event carries the
 * message's id as its localId, so a client can tell a repeat.
 */

export { CHAT_JOB_KIND as CHAT_MESSAGE_JOB_KIND } from '../messaging/messages.js';

export interface ChatSenderDeps {
  /** PUBLIC_URL: links a template uses are made absolute on it */
  publicUrl: string;
  schedule?: RetrySchedule;
}

export function chatTransport(deps: ChatSenderDeps): MessageTransport {
  return {
    async render(db, message) {
      const template = await pickTemplate(db, message.account_id, message.template, 'chat', [message.language]);
      if (!template) throw new Error(`the chat template "${message.template}" (${message.language}) was deleted`);
      const variables = parseJson<Record<string, unknown>>(message.variables, {});
      const link = unsubscribeUrl(deps.publicUrl, message.unsubscribe_token);
      const text = (await renderTemplate(template.body, { ...variables, links: { ...absoluteLinks(variables.links, link), unsubscribe: link } })).trim();
      if (!text) throw new Error('the chat message is empty');
      return { subject: null, body_html: null, body_text: text };
    },
    async send(message, content, db) {
      const locationId = chatRecipientLocation(message.recipient);
      if (locationId === undefined) throw Object.assign(new Error(`not a chat recipient: ${message.recipient}`), { permanent: true });
      const variables = parseJson<{ stay?: { status?: string | null; checkoutDate?: string | null }; location?: { name?: string | null } }>(
        message.variables,
        {},
      );
      await inWriteTransaction(db, async (trx) => {
        let session = await ensureChatSession(trx, message.account_id, message.guest_id, locationId, message.language);
        if (message.stay_id !== null) {
          session = await attachChatSessionStay(trx, session, {
            stayId: message.stay_id,
            status: variables.stay?.status ?? 'prestay',
            checkoutDate: variables.stay?.checkoutDate ?? null,
          });
        }
        if (chatSessionExpired(session)) throw Object.assign(new Error('the guest chat session has expired'), { permanent: true });
        const ctx = writeContext(trx, message.account_id, message.rule_id ? `rule:${message.rule_id}` : 'system');
        const from = { author: 'hotel' as const, authorName: variables.location?.name ?? 'Hotel', authorAvatarUrl: null, media: 'webchat' as const };
        await postChatMessage(ctx, session, from, { contentType: 'text/plain', content: content.body_text, url: null, localId: `message-${message.id}` });
      });
      return undefined;
    },
    classify: (err) => ((err as { permanent?: boolean })?.permanent ? 'message' : 'retry'),
    schedule: deps.schedule,
  };
}

/** The job handler of CHAT_MESSAGE_JOB_KIND (registered in every worker: chat needs no outside service). */
export function chatMessageJobHandler(deps: ChatSenderDeps): JobHandler<{ messageId: number }> {
  return transportJobHandler(chatTransport(deps));
}
