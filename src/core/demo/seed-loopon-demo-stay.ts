import { writeContext } from '../shared/write-context.js';
import type { Db } from '../../db/database.js';
import { appendChatEvent, type ChatEventType } from '../chat/chat-events.js';
import { attachChatSessionStay, ensureChatSession } from '../chat/chat-sessions.js';
import { addDays } from '../feedback/dates.js';
import { findMatchingStay } from '../stays/match-stay.js';
import { registerStay } from '../stays/register-stay.js';

/** The demo stay with a chat history: found again by this booking reference on every run. */
export const DEMO_CHAT_STAY_REFERENCE = 'SEA-DEMO-1001';

const MINUTE = 60_000;

/**
 * A guest in house at `hotelId` who chatted with the hotel on arrival, so that the stay events
 * endpoint has LooponEvents to show (each chat message with every field LooponKit decodes).
 * Idempotent: an existing stay is only found again (not moved to today). Returns the stay's id.
 */
export async function seedDemoChatStay(db: Db, accountId: number, hotelId: number, today: string): Promise<number> {
  const existing = await findMatchingStay(db, accountId, hotelId, { bookingReference: DEMO_CHAT_STAY_REFERENCE });
  if (existing) return existing.id;
  const checkin = addDays(today, -1);
  const { stay, guest } = await registerStay(
    writeContext(db, accountId),
    hotelId,
    {
      status: 'instay',
      name: 'Anna Lind',
      email: 'anna.lind@example.se',
      mobile: '+46701234567',
      language: 'en',
      bookingReference: DEMO_CHAT_STAY_REFERENCE,
      bookingDate: addDays(today, -30),
      checkinDate: checkin,
      checkoutDate: addDays(today, 2),
      room: '312',
    },
    'demo',
  );
  const session = await attachChatSessionStay(db, await ensureChatSession(db, accountId, guest.id, hotelId, 'en'), {
    stayId: stay.id,
    status: stay.status,
    checkoutDate: stay.checkout_date,
  });
  const start = Date.parse(`${checkin}T15:02:00.000Z`);
  const message = (author: 'guest' | 'hotel', content: string, localId: string, read: number | null) => ({
    read: read === null ? null : new Date(read).toISOString(),
    localId,
    author,
    authorName: author === 'guest' ? 'Anna Lind' : 'Front desk',
    authorAvatarUrl: null,
    media: author === 'guest' ? 'appchat' : 'webchat',
    url: null,
    content,
    contentType: 'text/plain',
  });
  const events: Array<[number, ChatEventType, Record<string, unknown>]> = [
    [0, 'guestConnect', { deviceId: null }],
    [1, 'chatMessage', message('guest', 'Hi! Could we have two extra pillows in room 312, please?', 'demo-1', start + 2 * MINUTE)],
    [3, 'chatMessage', message('hotel', 'Of course, Anna. Housekeeping is on the way.', 'demo-2', start + 4 * MINUTE)],
    [5, 'chatMessage', message('guest', 'Thank you!', 'demo-3', start + 6 * MINUTE)],
    [10, 'guestDisconnect', { deviceId: null }],
  ];
  for (const [minutes, type, payload] of events) await appendChatEvent(db, accountId, session.id, stay.id, type, payload, start + minutes * MINUTE);
  return stay.id;
}
