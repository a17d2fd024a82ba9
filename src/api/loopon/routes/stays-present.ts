import type { Config } from '../../../config/config.js';
import type { StoredChatEvent } from '../../../core/chat/chat-events.js';
import type { ChatSession, Guest, Stay } from '../../../db/schema.js';

/* Stays, guests, chat sessions and events in the Loopon Public API's shapes. */

const iso = (ms: number) => new Date(ms).toISOString();

/** A guest; null for an anonymous one (no name, e-mail or mobile), as Loopon renders them. */
export function presentGuest(guest: Guest) {
  if (!guest.name && !guest.email && !guest.mobile) return null;
  return { guestId: guest.id, name: guest.name, email: guest.email, mobile: guest.mobile };
}

/** The guest page a stay's URL opens (token issued by createStayLink). */
export function stayPageUrl(config: Config, token: string): string {
  return `${config.publicUrl}/loopon/stay/${token}`;
}

/** The chat WebSocket of a session: PUBLIC_URL with ws/wss, as Loopon's /public/<lang>/<key>. */
export function chatSocketUrl(config: Config, language: string, sessionKey: string): string {
  return `${config.publicUrl.replace(/^http/, 'ws')}/loopon/chat/${encodeURIComponent(language)}/${sessionKey}`;
}

export function presentChatSession(config: Config, session: ChatSession, language: string) {
  return { sessionId: session.session_key, wssUrl: chatSocketUrl(config, language, session.session_key) };
}

export interface StayExtras {
  url: string;
  /** only for tokens with the chat_sessions scope */
  chatSession?: { sessionId: string; wssUrl: string };
}

export function presentStay(stay: Stay, guest: Guest, extras: StayExtras) {
  return {
    stayId: stay.id,
    unitId: stay.location_id!,
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

/** A LooponEvent: session, time with milliseconds, type, and the part named after the type. */
export function presentChatEvent(event: StoredChatEvent) {
  const part = event.type === 'chatMessage' ? { ...event.payload, id: event.id, updated: iso(event.updatedAt) } : event.payload;
  return { sessionId: event.sessionKey, created: iso(event.createdAt), type: event.type, [event.type]: part };
}
