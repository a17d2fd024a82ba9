import { Type } from '@sinclair/typebox';
import { pageLinkAccount } from '../../../core/accounts/page-links.js';
import { surveyLinkPath } from '../../../core/accounts/survey-links.js';
import { guestPageChat } from '../../../core/chat/page-chat.js';
import { findGuest } from '../../../core/guests/guests.js';
import { findLocation } from '../../../core/locations/locations.js';
import { listLoopsOfGuest } from '../../../core/requests/loops.js';
import { findStayByLinkToken } from '../../../core/stays/stay-links.js';
import type { Stay } from '../../../db/schema.js';
import { sendGuestPage, sendNotFoundPage } from '../../http/guest-pages.js';
import { guestLanguage, text, type GuestLanguage } from '../../http/guest-views.js';
import { guestPageHeaders } from '../../http/security-headers.js';
import { chatView, requestsView } from '../../http/stay-view.js';
import type { LooponApp, LooponDeps } from '../context.js';
import { unitName } from '../presenters.js';

/** The requests a stay page lists at most (newest first). */
const PAGE_REQUESTS = 20;

/**
 * The survey source a stay's status calls for, when a survey is due: during the stay (instay)
 * and after it (poststay, nextstay: the source is the last stay's, poststay). None before arrival.
 */
export function surveySourceOf(status: string): string | undefined {
  if (status === 'instay') return 'instay';
  if (status === 'poststay' || status === 'nextstay') return 'poststay';
  return undefined;
}

/**
 * GET /stay/{token}: the guest page a Stay's `url` opens (public; the link token, valid 30 days,
 * is the credential). Shows the hotel and the stay as it is now, the guest's requests at the
 * hotel and their progress, the survey when one is due, and the chat with the hotel (a script
 * over the guest chat socket). Call inside a scope of its own: it sets the scope's security
 * headers (the token must leak through no Referer, cache or frame).
 */
export async function stayPageRoutes(app: LooponApp, { db, config }: LooponDeps): Promise<void> {
  await guestPageHeaders(app, config.publicUrl, { script: true });
  app.get('/stay/:token', { schema: { hide: true, params: Type.Object({ token: Type.String() }) } }, async (request, reply) => {
    const stay = await findStayByLinkToken(db, request.params.token);
    if (!stay) return sendNotFoundPage(reply, request);
    const [guest, unit] = await Promise.all([
      findGuest(db, stay.account_id, stay.guest_id),
      stay.location_id === null ? undefined : findLocation(db, stay.account_id, stay.location_id),
    ]);
    const lang = guestLanguage([guest?.language, stay.language], request.headers['accept-language']);
    const hotel = unit ? unitName(unit) : text(lang, 'stay.yourStay');
    const loops = (await listLoopsOfGuest(db, stay.account_id, stay.guest_id)).filter((loop) => !unit || loop.location_id === unit.id).slice(0, PAGE_REQUESTS);
    const chat = unit
      ? await guestPageChat(db, stay.account_id, stay.guest_id, unit.id, lang, {
          stayId: stay.id,
          status: stay.status,
          checkoutDate: stay.checkout_date,
        })
      : undefined;
    const source = surveySourceOf(stay.status);
    let survey: string | null = null;
    if (unit?.default_evaluation_id && source) {
      const { slug, secret } = await pageLinkAccount(db, stay.account_id);
      survey = surveyLinkPath(secret, { slug, surveyId: unit.default_evaluation_id, guestId: stay.guest_id, stayId: stay.id, source });
    }
    const unitTitle = unit ? unitName(unit) : null;
    return sendGuestPage(
      reply,
      'stay',
      lang,
      {
        title: hotel,
        heading: hotel,
        subheading: null,
        greeting: guest?.name ? text(lang, 'stay.helloName', { name: guest.name }) : text(lang, 'stay.hello'),
        statusText: statusText(stay, lang),
        status: stay.status,
        details: details(stay, lang),
        requests: requestsView(
          loops.map((loop) => ({ ...loop, locationTitle: unitTitle })),
          lang,
        ),
        survey,
        chat: chat ? chatView(chat.session.session_key, chat.session.language ?? 'en', chat.messages, lang) : null,
      },
      chat ? '/g/assets/chat.js' : null,
    );
  });
}

function statusText(stay: Stay, lang: GuestLanguage): string | null {
  try {
    return text(lang, `stay.status.${stay.status}`);
  } catch {
    return null;
  }
}

function details(stay: Stay, lang: GuestLanguage) {
  const rows: Array<[string, string | null | undefined]> = [
    [text(lang, 'stay.bookingReference'), stay.booking_reference],
    [text(lang, 'stay.checkin'), stay.checkin_date],
    [text(lang, 'stay.checkout'), stay.checkout_date],
    [text(lang, 'stay.room'), stay.room],
  ];
  return rows.filter(([, value]) => value).map(([label, value]) => ({ label, value }));
}
