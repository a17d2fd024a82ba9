import type { StoredChatEvent } from './chat-events.js';

/*
 * Chat events as LooponEvents, the JSON every guest socket, the stay events endpoint and stay
 * callbacks carry: {sessionId, created (ISO 8601 with milliseconds), type, <part named after the
 * type>}. The shapes satisfy both the Loopon document and Loopon's own client (LooponKit), which
 * decodes some of them differently (docs/compat.md, "Chat"):
 * - a chatMessage carries every key, null when unset (LooponKit decodes each key; authorName is
 *   a non-optional string there, so it is "" when unknown);
 * - a typing indicator has its fields under `typingIndicator` (the document) and at the top level
 *   (LooponKit decodes them there);
 * - an error has type `errorMessage` and a top-level `errorMessage` string (LooponKit's only error
 *   type) and the document's `error` part.
 */

const iso = (ms: number) => new Date(ms).toISOString();

export type LooponEvent = Record<string, unknown> & { sessionId: string; created: string; type: string };

/** The chatMessage part: every field, in LooponKit's names, plus `updated`. */
export function chatMessagePart(event: StoredChatEvent) {
  const p = event.payload;
  const str = (value: unknown) => (typeof value === 'string' ? value : null);
  // Events stored before author and read were columns keep them in the payload.
  const author = event.author ?? (p.author === 'guest' || p.author === 'hotel' ? p.author : null);
  const read = event.readAt !== null ? iso(event.readAt) : str(p.read);
  return {
    id: event.id,
    read,
    localId: str(p.localId),
    author,
    authorName: str(p.authorName) ?? '',
    authorAvatarUrl: str(p.authorAvatarUrl),
    media: str(p.media),
    url: str(p.url),
    content: str(p.content),
    contentType: str(p.contentType),
    updated: iso(event.updatedAt),
  };
}

/** What a typing indicator says: who types, for how long at most. */
export interface TypingIndicator {
  timeout: number;
  author: 'guest' | 'hotel';
  authorName: string;
  authorAvatarUrl: string | null;
}

export function typingLooponEvent(sessionKey: string, typing: TypingIndicator, at: number): LooponEvent {
  const part = { timeout: typing.timeout, author: typing.author, authorName: typing.authorName, authorAvatarUrl: typing.authorAvatarUrl };
  return { sessionId: sessionKey, created: iso(at), type: 'typingIndicator', typingIndicator: part, ...part };
}

/** An error report for an event the client sent: `code` is a stable id, `status` the HTTP-like status. */
export interface ChatErrorReport {
  code: string;
  status: number;
  message: string;
  /** the localId of the chatMessage refused, when it had one */
  localId: string | null;
}

export function errorLooponEvent(sessionKey: string, report: ChatErrorReport, at: number): LooponEvent {
  return {
    sessionId: sessionKey,
    created: iso(at),
    type: 'errorMessage',
    errorMessage: report.message,
    error: { code: report.code, status: report.status, message: report.message, localId: report.localId },
  };
}

/** A stored event as a LooponEvent. */
export function looponEvent(event: StoredChatEvent): LooponEvent {
  const base = { sessionId: event.sessionKey, created: iso(event.createdAt) };
  switch (event.type) {
    case 'chatMessage':
      return { ...base, type: 'chatMessage', chatMessage: chatMessagePart(event) };
    case 'typingIndicator': {
      // Stored by earlier versions only (typing is relayed live now).
      const p = event.payload;
      const typing: TypingIndicator = {
        timeout: typeof p.timeout === 'number' ? p.timeout : 10,
        author: p.author === 'guest' ? 'guest' : 'hotel',
        authorName: typeof p.authorName === 'string' ? p.authorName : '',
        authorAvatarUrl: typeof p.authorAvatarUrl === 'string' ? p.authorAvatarUrl : null,
      };
      return typingLooponEvent(event.sessionKey, typing, event.createdAt);
    }
    case 'error': {
      const message = typeof event.payload.message === 'string' ? event.payload.message : 'error';
      return { ...base, type: 'errorMessage', errorMessage: message, error: event.payload };
    }
    default:
      return { ...base, type: event.type, [event.type]: event.payload };
  }
}
