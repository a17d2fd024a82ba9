import type { Config } from '../../../config/config.js';
import type { ChatSession, Guest, Stay } from '../../../db/schema.js';

/* Stays, guests, chat sessions and events in the Loopon Public API's shapes. */

/** A guest; null for an anonymous one (no name, e-mail or mobile), as Loopon renders them. */
export function presentGuest(guest: Guest) {
  if (!guest.name && !guest.email && !guest.mobile) return null;
  return { guestId: guest.id, name: guest.name, email: guest.email, mobile: guest.mobile };
}

/** The guest page a stay's URL opens (token issued by createStayLink). */
export function stayPageUrl(config: Config, token: string): string {
  return `${config.publicUrl}/loopon/stay/${token}`;
}

/**
 * The chat WebSocket of a session: PUBLIC_URL with ws/wss, then Loopon's /public/<lang>/<key>
 * under the face's /loopon/chat. The language is the session's, fixed when it was made, so the
 * URL is the same for every registration of the stay.
 */
export function chatSocketUrl(config: Config, language: string, sessionKey: string): string {
  return `${config.publicUrl.replace(/^http/, 'ws')}/loopon/chat/public/${encodeURIComponent(language)}/${sessionKey}`;
}

export function presentChatSession(config: Config, session: ChatSession) {
  return {
    sessionId: session.session_key,
    wssUrl: chatSocketUrl(config, session.language ?? 'en', session.session_key),
    messengerRef: session.messenger_ref,
  };
}

export interface StayExtras {
  url: string;
  /** the Loopon id of the stay's unit (looponUnitId) */
  unitId: number;
  /** only for tokens with the chat_sessions scope */
  chatSession?: ReturnType<typeof presentChatSession>;
}

export function presentStay(stay: Stay, guest: Guest, extras: StayExtras) {
  return {
    stayId: stay.id,
    unitId: extras.unitId,
    guest: presentGuest(guest),
    status: stay.status,
    bookingReference: stay.booking_reference,
    bookingDate: stay.booking_date,
    checkinDate: stay.checkin_date,
    checkoutDate: stay.checkout_date,
    room: stay.room,
    language: stay.language ?? 'en',
    url: extras.url,
    ...(extras.chatSession ? { chatSession: extras.chatSession } : {}),
  };
}
