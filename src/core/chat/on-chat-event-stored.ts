import { recordEvent } from '../events/record-event.js';
import { enqueueStayCallbacks } from '../stays/stay-callback-events.js';
import type { StayCallbackTarget } from '../stays/stay-callbacks.js';
import type { StoredChatEvent } from './chat-events.js';
import { looponEvent } from './loopon-event.js';
import type { WriteContext } from '../shared/write-context.js';

/**
 * Called in the transaction that stored (or updated) a chat event of a session, for every
 * chatMessage (new, or updated when the counterpart read it), guestConnect and guestDisconnect:
 * the event leaves the building through the outbox, once the transaction commits. Each API client
 * that registered a stayCallback for the event's stay gets the LooponEvent as the guest app sees
 * it (core/stays/stay-callback-events.ts), and a new message is the `chat.message` domain event
 * for webhook subscriptions. Typing indicators are never stored and never come here ("only sent on
 * WebSocket"). The stays module must not import chat (chat imports stays here). `stayCallbacks`:
 * the stay's callbacks when the statement that stored the event read them too.
 */
export async function onChatEventStored(ctx: WriteContext, event: StoredChatEvent, stayCallbacks?: readonly StayCallbackTarget[]): Promise<void> {
  const body = looponEvent(event);
  if (event.stayId !== null) await enqueueStayCallbacks(ctx, { stayId: event.stayId, event: body, targets: stayCallbacks });
  if (event.type === 'chatMessage' && event.updatedAt === event.createdAt) {
    await recordEvent(ctx, {
      type: 'chat.message',
      subjects: { sessionId: event.sessionId, stayId: event.stayId, messageId: event.id },
      data: body,
      at: event.createdAt,
    });
  }
}
