import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { findGuest } from '../../../core/guests/guests.js';
import { findLocation } from '../../../core/locations/locations.js';
import { findStayByLinkToken } from '../../../core/stays/stay-links.js';
import { escapeHtml, page } from '../../http/html.js';
import { guestPageHeaders } from '../../http/security-headers.js';
import type { LooponApp, LooponDeps } from '../context.js';
import { unitName } from '../presenters.js';

const STATUS_TEXT: Record<string, string> = {
  prestay: 'We look forward to welcoming you.',
  instay: 'Welcome! We hope you enjoy your stay.',
  poststay: 'Thank you for staying with us.',
  nextstay: 'We hope to welcome you again soon.',
};

function notFoundPage(reply: FastifyReply) {
  return reply
    .status(404)
    .type('text/html; charset=utf-8')
    .send(page('Not found', '<h1>This link is not valid</h1><p class="muted">It may have expired or been mistyped.</p>'));
}

/**
 * GET /stay/{token}: the guest page a Stay's `url` opens (public; the link token, valid 30 days,
 * is the credential). Shows the hotel and the stay as it is now. Call inside a scope of its own:
 * it sets the scope's security headers (the token must leak through no Referer, cache or frame).
 */
export async function stayPageRoutes(app: LooponApp, { db, config }: LooponDeps): Promise<void> {
  await guestPageHeaders(app, config.publicUrl);
  app.get('/stay/:token', { schema: { hide: true, params: Type.Object({ token: Type.String() }) } }, async (request, reply) => {
    const stay = await findStayByLinkToken(db, request.params.token);
    if (!stay) return notFoundPage(reply);
    const [guest, unit] = await Promise.all([
      findGuest(db, stay.account_id, stay.guest_id),
      stay.location_id === null ? undefined : findLocation(db, stay.account_id, stay.location_id),
    ]);
    const hotel = unit ? unitName(unit) : 'Your stay';
    const rows: Array<[string, string | null | undefined]> = [
      ['Booking reference', stay.booking_reference],
      ['Check-in', stay.checkin_date],
      ['Check-out', stay.checkout_date],
      ['Room', stay.room],
    ];
    const details = rows
      .filter(([, value]) => value)
      .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`)
      .join('');
    const greeting = guest?.name ? `Hello ${escapeHtml(guest.name)}` : 'Hello';
    return reply.type('text/html; charset=utf-8').send(
      page(
        hotel,
        `<h1>${escapeHtml(hotel)}</h1>
<p>${greeting}. ${escapeHtml(STATUS_TEXT[stay.status] ?? '')}</p>
<dl class="stay" data-status="${escapeHtml(stay.status)}">${details}</dl>`,
      ),
    );
  });
}
