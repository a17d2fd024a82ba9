import type { StoredChatEvent } from '../../../core/chat/chat-events.js';
import { chatMessagePart } from '../../../core/chat/loopon-event.js';
import type { ChatSessionSummary } from '../../../core/chat/chat-session-list.js';
import { chatSessionExpired } from '../../../core/chat/chat-sessions.js';
import { mediaIdOf, signedMediaPath } from '../../../core/chat/attachments.js';

/** The photo links of an account's messages (its page secret signs them). */
export function photoLinksOf(publicUrl: string, secret: string, now = Date.now()): PhotoLinks {
  return (url) => {
    const id = mediaIdOf(publicUrl, url);
    if (!id) return null;
    const link = signedMediaPath(secret, id, now);
    return { url: link.path, expiresAt: link.expiresAt };
  };
}

/* The staff chat in the admin API's shapes (camelCase, integer ids, epoch milliseconds). */

/** Signs the link to a photo of ours a message's url refers to (null for any other url). */
export type PhotoLinks = (url: string) => { url: string; expiresAt: number } | null;

export function presentChatMessage(event: StoredChatEvent, photoLinks?: PhotoLinks) {
  const part = chatMessagePart(event);
  return {
    ...(photoLinks ? { photo: part.url ? photoLinks(part.url) : null } : {}),
    id: event.id,
    sessionId: event.sessionId,
    stayId: event.stayId,
    author: part.author ?? 'guest',
    authorName: part.authorName,
    authorAvatarUrl: part.authorAvatarUrl,
    media: part.media,
    contentType: part.contentType ?? 'text/plain',
    content: part.content,
    url: part.url,
    localId: part.localId,
    readAt: event.readAt,
    createdAt: event.createdAt,
    updatedAt: event.updatedAt,
  };
}

export function presentChatSession({ session, lastMessage, unreadCount }: ChatSessionSummary, guestName: string | null, now = Date.now()) {
  return {
    id: session.id,
    guestId: session.guest_id,
    guestName,
    locationId: session.location_id,
    stayId: session.stay_id,
    language: session.language ?? 'en',
    messengerRef: session.messenger_ref,
    createdAt: Number(session.created_at),
    expiresAt: session.expires_at === null ? null : Number(session.expires_at),
    expired: chatSessionExpired(session, now),
    lastMessage: lastMessage ? presentChatMessage(lastMessage) : null,
    unreadCount,
  };
}
