import type { MessageTemplate } from '../../db/schema.js';
import { emailLayout, htmlToText } from './email-layout.js';
import { renderTemplate } from './liquid.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  unsubscribeUrl: string;
}

export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/unsubscribe/${token}`;
}

/**
 * The links a message was queued with: a path (`/fideltour/portal/reset/<token>`) is made absolute
 * on the server's public address, as the unsubscribe link is: core knows paths, the sender PUBLIC_URL.
 */
export function absoluteLinks(links: unknown, unsubscribe: string): Record<string, unknown> {
  if (!links || typeof links !== 'object') return {};
  const base = unsubscribe.replace(/\/unsubscribe\/[^/]*$/, ''); // PUBLIC_URL (unsubscribeUrl below)
  return Object.fromEntries(Object.entries(links).map(([k, v]) => [k, typeof v === 'string' && v.startsWith('/') ? `${base}${v}` : v]));
}

/**
 * An e-mail template rendered with the variables of its trigger and the unsubscribe link: the
 * subject on one line, the HTML body in the default layout, and the text part generated from the
 * body. Throws on a render error (strict mode).
 */
export async function renderEmail(
  template: Pick<MessageTemplate, 'subject' | 'body'>,
  variables: Record<string, unknown>,
  link: string,
): Promise<RenderedEmail> {
  const context = { ...variables, links: { ...absoluteLinks(variables.links, link), unsubscribe: link } };
  const subject = (await renderTemplate(template.subject ?? '', context)).replace(/\s+/g, ' ').trim();
  const body = await renderTemplate(template.body, context, { html: true });
  const text = `${htmlToText(body)}\n\n--\nUnsubscribe: ${link}\n`;
  return { subject, html: emailLayout(subject, body, link), text, unsubscribeUrl: link };
}
