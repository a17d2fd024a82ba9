import sanitizeHtml from 'sanitize-html';
import { AppError, badRequest } from '../shared/errors.js';

/*
 * What a chat message may hold, from a guest app's socket or the staff's admin API: its content
 * type, text (plain, or HTML sanitised to a small allow-list, safe to display as-is) or an image
 * URL, and the sender's localId. Read-only fields (id, created, read, author, updated) are never
 * read from input: the server sets them.
 */

/** image/webp and image/heic: photos guests send from the stay page (docs/compat.md). */
export const CHAT_CONTENT_TYPES = ['text/plain', 'text/html', 'image/png', 'image/gif', 'image/jpeg', 'image/webp', 'image/heic'] as const;
export type ChatContentType = (typeof CHAT_CONTENT_TYPES)[number];

/** The longest message text, in characters (after sanitising). */
export const MAX_CHAT_CONTENT_CHARS = 10_000;
export const MAX_CHAT_URL_CHARS = 2048;
export const MAX_LOCAL_ID_CHARS = 200;

export interface ChatMessageInput {
  contentType: ChatContentType;
  content: string | null;
  url: string | null;
  localId: string | null;
}

/** The tags and attributes a text/html message keeps; everything else is dropped (text kept). */
const HTML_POLICY: sanitizeHtml.IOptions = {
  allowedTags: ['b', 'strong', 'i', 'em', 'u', 's', 'br', 'p', 'ul', 'ol', 'li', 'a', 'blockquote', 'code', 'pre'],
  // rel and target are set by the transform below, whatever the input said.
  allowedAttributes: { a: ['href', 'rel', 'target'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Links open outside the chat and never pass on the page they came from.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
};

/** HTML reduced to the allow-list. */
export function sanitizeChatHtml(html: string): string {
  return sanitizeHtml(html, HTML_POLICY);
}

export const tooLarge = (message: string) => new AppError('too_large', 413, message);

/**
 * Reads a chat message (the object under `chatMessage`); refuses with a 400 (413 for a text or
 * URL over its limit) naming the field. `localId` is read first so an error can carry it.
 */
export function readChatMessageInput(raw: unknown): ChatMessageInput {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('chatMessage must be an object');
  const body = raw as Record<string, unknown>;
  const localId = readLocalId(body.localId);
  const contentType = body.contentType ?? 'text/plain';
  if (typeof contentType !== 'string' || !(CHAT_CONTENT_TYPES as readonly string[]).includes(contentType)) {
    throw badRequest(`contentType must be one of ${CHAT_CONTENT_TYPES.join(', ')}`);
  }
  const type = contentType as ChatContentType;
  if (type.startsWith('image/')) {
    if (typeof body.url !== 'string' || body.url.length === 0) throw badRequest(`url is required for ${type}`);
    if (body.url.length > MAX_CHAT_URL_CHARS) throw tooLarge(`url is longer than ${MAX_CHAT_URL_CHARS} characters`);
    if (!isHttpUrl(body.url)) throw badRequest('url must be an absolute http or https URL');
    return { contentType: type, content: null, url: body.url, localId };
  }
  if (typeof body.content !== 'string') throw badRequest(`content (a string) is required for ${type}`);
  if (body.content.length > MAX_CHAT_CONTENT_CHARS * 4) throw tooLarge(`content is longer than ${MAX_CHAT_CONTENT_CHARS} characters`);
  const content = type === 'text/html' ? sanitizeChatHtml(body.content) : body.content;
  if (content.trim().length === 0) throw badRequest('content is empty');
  if (content.length > MAX_CHAT_CONTENT_CHARS) throw tooLarge(`content is longer than ${MAX_CHAT_CONTENT_CHARS} characters`);
  return { contentType: type, content, url: null, localId };
}

/** The localId of a message, when it is a usable one (for error reports too). */
export function readLocalId(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest('localId must be a string');
  if (value.length > MAX_LOCAL_ID_CHARS) throw tooLarge(`localId is longer than ${MAX_LOCAL_ID_CHARS} characters`);
  return value;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}
