import type { ChatSession, Guest, Stay } from '../../db/schema.js';
import { attachChatSessionStay, ensureChatSession } from '../chat/chat-sessions.js';
import { registerStay, type StayRegistration } from '../stays/register-stay.js';
import type { SecretBox } from '../shared/secret-box.js';
import { replaceStayCallback, type StayCallback } from '../stays/stay-callbacks.js';
import { createStayLink } from '../stays/stay-links.js';
import type { WriteContext } from '../shared/write-context.js';

/** Who registers the stay and what they asked for besides the stay itself. */
export interface GuestStayRequest {
  /** the API client registering: its callback on the stay is set or discarded */
  clientId: number;
  /** the client's callback for the stay's events; null discards the one it had */
  callback: StayCallback | null;
  /** open (or find) the guest's chat session at the unit too */
  withChat: boolean;
  /** recorded as the stay's and the journey events' source */
  source: string;
}

export interface RegisteredGuestStay {
  stay: Stay;
  guest: Guest;
  /** a fresh guest-page link of the stay (valid 30 days) */
  link: { token: string; expiresAt: number };
  session?: ChatSession;
}

/**
 * Registering a guest's stay, as an integration (PMS, guest app) does it: registers the stay or
 * finds the one described (registerStay), sets or discards the client's stay callback, issues a
 * new guest-page link (the callback's token sealed with `secrets`), and opens the guest's chat session at the unit when asked. Run in one
 * transaction (the route's), so the stay, its callback, link and session exist together.
 */
export async function registerGuestStay(
  ctx: WriteContext,
  unitId: number,
  registration: StayRegistration,
  request: GuestStayRequest,
  secrets: SecretBox,
): Promise<RegisteredGuestStay> {
  const { trx: db, accountId } = ctx;
  const { stay, guest, created } = await registerStay(ctx, unitId, registration, request.source);
  await replaceStayCallback(db, secrets, accountId, stay.id, request.clientId, request.callback);
  const link = await createStayLink(db, accountId, stay.id, { newStay: created });
  let session: ChatSession | undefined;
  if (request.withChat) {
    // One session per guest and unit; this stay becomes its current one and sets its expiry.
    const found = await ensureChatSession(db, accountId, guest.id, unitId, stay.language);
    session = await attachChatSessionStay(db, found, { stayId: stay.id, status: stay.status, checkoutDate: stay.checkout_date });
  }
  return { stay, guest, link, session };
}
