import type { Db } from '../../db/database.js';
import type { ChatSession } from '../../db/schema.js';
import { listAccounts } from '../accounts/accounts.js';
import { postChatMessage } from '../chat/chat-messages.js';
import { MAX_CHAT_CONTENT_CHARS } from '../chat/chat-message-input.js';
import type { StoredChatEvent } from '../chat/chat-events.js';
import { latestStayChatSession } from '../chat/chat-sessions.js';
import { findGuestsByContact } from '../guests/guests.js';
import { removeSuppression, suppressAddress } from '../messaging/suppressions.js';
import { normalisePhone } from '../shared/identifiers.js';
import { GUEST_ACTOR, writeContext } from '../shared/write-context.js';

/*
 * An SMS a guest sent to the hotel's number (Twilio's inbound webhook). The provider's number is
 * the server's, shared by every account, so the sender is looked up in each account (by its
 * (account, mobile) index). A keyword as the whole text (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END,
 * QUIT, OPTOUT, REVOKE; START, UNSTOP, YES) unsubscribes or resubscribes the number for SMS in
 * every account that has it, as Twilio's own opt-out does at the carrier; HELP is answered by the
 * provider and kept out of the chat. Any other text becomes a guest chat message (media sms) of
 * the guest's latest stay with an open chat session; with none, it is not kept anywhere and the
 * caller says so.
 */

const STOP_WORDS = new Set(['STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'OPT OUT', 'REVOKE']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES']);
const HELP_WORDS = new Set(['HELP', 'INFO']);

export type SmsKeyword = 'stop' | 'start' | 'help';

/** The keyword an SMS is, when its whole text is one (case, spaces and end punctuation aside). */
export function smsKeyword(body: string): SmsKeyword | undefined {
  const word = body
    .trim()
    .replace(/[.!?]+$/, '')
    .replace(/\s+/g, ' ')
    .toUpperCase();
  if (STOP_WORDS.has(word)) return 'stop';
  if (START_WORDS.has(word)) return 'start';
  if (HELP_WORDS.has(word)) return 'help';
  return undefined;
}

export type InboundOutcome =
  | { outcome: 'unsubscribed' | 'resubscribed'; accounts: number }
  | { outcome: 'help' }
  | { outcome: 'chat'; accountId: number; session: ChatSession; event: StoredChatEvent }
  | { outcome: 'no_guest' | 'no_chat_session' | 'empty' };

export interface InboundSms {
  from: string;
  body: string;
  /** the provider's id of the SMS (MessageSid): the chat message's localId */
  providerId: string | null;
}

/** Records an inbound SMS in `trx` (see above). */
export async function receiveGuestSms(trx: Db, sms: InboundSms, now = Date.now()): Promise<InboundOutcome> {
  const number = normalisePhone(sms.from)?.e164;
  if (!number) return { outcome: 'no_guest' };
  const keyword = smsKeyword(sms.body);
  if (keyword === 'help') return { outcome: 'help' };
  const holders: Array<{ accountId: number; guestIds: number[]; name: string | null }> = [];
  for (const account of await listAccounts(trx)) {
    const guests = await findGuestsByContact(trx, account.id, { mobile: number }, 50);
    const matching = guests.filter((g) => g.mobile === number);
    if (matching.length) holders.push({ accountId: account.id, guestIds: matching.map((g) => g.id), name: matching[0].name });
  }
  if (keyword === 'stop' || keyword === 'start') {
    for (const holder of holders) {
      if (keyword === 'stop') await suppressAddress(trx, holder.accountId, 'sms', number, 'unsubscribed', now);
      else await removeSuppression(trx, holder.accountId, 'sms', number);
    }
    return { outcome: keyword === 'stop' ? 'unsubscribed' : 'resubscribed', accounts: holders.length };
  }
  const content = sms.body.trim().slice(0, MAX_CHAT_CONTENT_CHARS);
  if (!content) return { outcome: 'empty' };
  if (holders.length === 0) return { outcome: 'no_guest' };
  // The latest stay with an open session, over every account that knows the number.
  let best: { accountId: number; session: ChatSession; name: string | null } | undefined;
  for (const holder of holders) {
    const session = await latestStayChatSession(trx, holder.accountId, holder.guestIds, now);
    if (session && (!best || Number(session.created_at) > Number(best.session.created_at))) best = { accountId: holder.accountId, session, name: holder.name };
  }
  if (!best) return { outcome: 'no_chat_session' };
  const event = await postChatMessage(
    writeContext(trx, best.accountId, GUEST_ACTOR),
    best.session,
    { author: 'guest', authorName: best.name ?? number, authorAvatarUrl: null, media: 'sms' },
    { contentType: 'text/plain', content, url: null, localId: sms.providerId },
    now,
  );
  return { outcome: 'chat', accountId: best.accountId, session: best.session, event };
}
