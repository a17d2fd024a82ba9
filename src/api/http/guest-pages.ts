import type { FastifyReply, FastifyRequest } from 'fastify';
import { guestLanguage, renderGuestPageSync, text, type GuestLanguage } from './guest-views.js';

/*
 * The answers every guest page shares, rendered from views/: the page itself, the one "link not
 * valid" 404 and a short message page (errors, limits).
 */

/** The language of a page that knows nothing of its guest (yet): Accept-Language, else English. */
export const requestLanguage = (request: FastifyRequest): GuestLanguage => guestLanguage([], request.headers['accept-language']);

export function sendGuestPage(
  reply: FastifyReply,
  view: string,
  lang: GuestLanguage,
  data: Record<string, unknown>,
  script: string | null = null,
): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(renderGuestPageSync(view, lang, data, script));
}

/** A page with a heading and an optional line under it. */
export function sendMessagePage(reply: FastifyReply, lang: GuestLanguage, title: string, heading: string, detail: string | null = null): FastifyReply {
  return sendGuestPage(reply, 'message', lang, { title, heading, detail });
}

/**
 * The one answer to every link that opens nothing (unknown, expired, badly signed): the same bytes
 * for all of them in a language, so a link tells nothing about what exists.
 */
export function sendNotFoundPage(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  const lang = requestLanguage(request);
  let html = notFoundPages.get(lang);
  if (html === undefined) {
    html = renderGuestPageSync('message', lang, {
      title: text(lang, 'notFound.title'),
      heading: text(lang, 'notFound.heading'),
      detail: text(lang, 'notFound.detail'),
    });
    notFoundPages.set(lang, html);
  }
  return reply.status(404).type('text/html; charset=utf-8').send(html);
}

/** The 404 page of each language, rendered once: it never changes, and bad links come in floods. */
const notFoundPages = new Map<GuestLanguage, string>();
