import sanitizeHtml from 'sanitize-html';
import type { StoredChatEvent } from '../../core/chat/chat-events.js';
import { chatMessagePart } from '../../core/chat/loopon-event.js';
import { parseJson } from '../../core/shared/json.js';
import { text, type GuestLanguage } from './guest-views.js';

/*
 * What the stay page shows (the Loopon stay page and the Loop loop page share it): the guest's
 * requests with their progress, the survey link when one is due and the chat with the hotel. Plain
 * data for views/stay.liquid, which escapes every value; nothing here builds HTML.
 */

/** The parts of a loop and its activities the page shows. */
export interface RequestOnPage {
  title: string | null;
  description: string | null;
  state: string;
  locationTitle: string | null;
  activities: Array<{ type: string; occurred_at: number; data: string; person_kind: string; person_name: string | null }>;
}

const dateTime = (ms: number, lang: GuestLanguage) =>
  new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(ms));

export function requestsView(requests: RequestOnPage[], lang: GuestLanguage) {
  return requests.map((r) => ({
    title: r.title ?? text(lang, 'stay.yourRequest'),
    description: r.description,
    state: r.state === 'closed' ? 'closed' : 'open',
    stateText: text(lang, r.state === 'closed' ? 'request.closed' : 'request.open'),
    location: r.locationTitle,
    activities: r.activities.map((a) => {
      const data = parseJson<Record<string, unknown>>(a.data, {});
      let label: string;
      try {
        label = text(lang, `request.activity.${a.type}`);
      } catch {
        label = a.type;
      }
      return {
        label,
        at: new Date(a.occurred_at).toISOString(),
        when: dateTime(a.occurred_at, lang),
        // Staff who acted are named; the guest is "you" by context and not repeated.
        by: a.person_kind === 'employee' ? a.person_name : null,
        text: typeof data.description === 'string' ? data.description : null,
      };
    }),
  }));
}

/** Where the page's chat script talks to: the guest socket, the photo upload and the image proxy. */
export function chatEndpoints(sessionKey: string, language: string) {
  const key = encodeURIComponent(sessionKey);
  return {
    socket: `/loopon/chat/public/${encodeURIComponent(language)}/${key}`,
    upload: `/g/chat/${key}/photos`,
    image: `/g/chat/${key}/image`,
  };
}

/** A text/html message as plain text (the page shows message text as text, never as markup). */
export function plainText(html: string): string {
  const stripped = sanitizeHtml(html.replace(/<br\s*\/?>|<\/p>|<\/li>/gi, '\n'), { allowedTags: [], allowedAttributes: {} });
  return stripped.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!).trim();
}

export function chatView(sessionKey: string, language: string, events: StoredChatEvent[], lang: GuestLanguage) {
  const ends = chatEndpoints(sessionKey, language);
  const texts = Object.fromEntries(
    ['connecting', 'online', 'offline', 'closed', 'you', 'hotel', 'typing', 'sending', 'uploadFailed', 'sendFailed', 'photo'].map((k) => [
      k,
      text(lang, `chat.${k}`),
    ]),
  );
  return {
    ...ends,
    texts: JSON.stringify(texts),
    messages: events.map((event) => {
      const part = chatMessagePart(event);
      const author = part.author === 'hotel' ? 'hotel' : 'guest';
      const isImage = (part.contentType ?? '').startsWith('image/') && part.url;
      return {
        id: String(event.id),
        author,
        who: author === 'guest' ? texts.you : part.authorName || texts.hotel,
        image: isImage ? `${ends.image}?u=${encodeURIComponent(part.url!)}` : null,
        text: isImage ? null : part.contentType === 'text/html' ? plainText(part.content ?? '') : (part.content ?? ''),
      };
    }),
  };
}
