import { GUEST_ACTOR, inTransaction } from '../../../core/shared/write-context.js';
import { requestOrigin } from '../../http/write-origin.js';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findAccountBySlug } from '../../../core/accounts/accounts.js';
import { verifyPageLink } from '../../../core/accounts/page-links.js';
import { findGuest } from '../../../core/guests/guests.js';
import { findLocation } from '../../../core/locations/locations.js';
import { findLoopLocation, listLoopLocations } from '../routes/resolve.js';
import { listLoopTypes } from '../../../core/locations/loop-types.js';
import { findLoop, listLoopsOfGuest, openLoop } from '../../../core/requests/loops.js';
import { guestPageChat } from '../../../core/chat/page-chat.js';
import { parseJson, pickText, type I18nText } from '../../../core/shared/json.js';
import type { Account, Guest, Location } from '../../../db/schema.js';
import type { LoopApp, LoopDeps } from '../context.js';
import { decodeId } from '../ids.js';
import { loopIdOf, loopRowId } from '../face-ids.js';
import { guestLinkSubject, inviteLinkSubject, loopLinkSubject, loopPageUrl } from '../links.js';
import { requestLanguage, sendGuestPage, sendMessagePage, sendNotFoundPage } from '../../http/guest-pages.js';
import { guestLanguage, text } from '../../http/guest-views.js';
import { chatView, requestsView } from '../../http/stay-view.js';
import { toAppError } from '../../http/errors.js';
import { guestPageHeaders } from '../../http/security-headers.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import { loopCreationLimits } from './creation-limits.js';

const title = (json: string) => pickText(parseJson<I18nText>(json, {}));

function tooManyPage(request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number) {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  const lang = requestLanguage(request);
  reply.status(429).header('retry-after', String(retryAfterSeconds));
  const detail = minutes === 1 ? text(lang, 'tooMany.detailOne') : text(lang, 'tooMany.detail', { minutes });
  return sendMessagePage(reply, lang, text(lang, 'tooMany.title'), text(lang, 'tooMany.heading'), detail);
}

/** Signs nothing real: lets a link to an unknown account cost the same signature check as any other. */
const NO_ACCOUNT_SECRET = 'no-such-account';

/**
 * The guest pages behind the URLs the Loop face hands out: a loop's page (the guest follows their
 * request) and the invite page (a form to open a request). Every link is signed; see links.ts.
 * Call inside a scope of their own: it sets the scope's security headers and HTML error page.
 */
export async function guestPageRoutes(app: LoopApp, { db, config, realtime }: LoopDeps): Promise<void> {
  await guestPageHeaders(app, config.publicUrl, { script: true });
  // A guest sees a page, not the face's JSON error (a form sent without its fields, say).
  app.setErrorHandler((err, request, reply) => {
    const appError = toAppError(err, request);
    const lang = requestLanguage(request);
    const detail = appError.status >= 500 ? text(lang, 'sorry.serverError') : appError.message;
    return sendMessagePage(reply.status(appError.status), lang, text(lang, 'sorry.title'), text(lang, 'sorry.heading'), detail);
  });
  const limits = loopCreationLimits(app, config.guestPageLoopsPerAddress);

  app.get(
    '/p/:slug/loops/:loopId',
    {
      schema: {
        hide: true,
        params: Type.Object({ slug: Type.String(), loopId: Type.String() }),
        querystring: Type.Object({ sig: Type.Optional(Type.String()) }),
      },
    },
    async (request, reply) => {
      const account = await findAccountBySlug(db, request.params.slug);
      const loopId = decodeId('loop', request.params.loopId);
      const signed = verifyPageLink(account?.page_secret ?? NO_ACCOUNT_SECRET, loopLinkSubject(request.params.loopId), request.query.sig);
      if (!account || loopId === undefined || !signed) return sendNotFoundPage(reply, request);
      const loop = await findLoop(db, account.id, loopId);
      if (!loop) return sendNotFoundPage(reply, request);
      const [location, guest] = await Promise.all([
        findLocation(db, account.id, loop.location_id),
        loop.creator_guest_id === null ? undefined : findGuest(db, account.id, loop.creator_guest_id),
      ]);
      const lang = guestLanguage([guest?.language], request.headers['accept-language']);
      // The guest's other requests follow the one the link names.
      const others = guest ? (await listLoopsOfGuest(db, account.id, guest.id)).filter((l) => l.id !== loop.id).slice(0, 19) : [];
      const locations = new Map<number, string>();
      for (const l of [loop, ...others]) {
        if (!locations.has(l.location_id)) {
          const found = l.location_id === loop.location_id ? location : await findLocation(db, account.id, l.location_id);
          locations.set(l.location_id, found ? title(found.title) : '');
        }
      }
      const chat = guest ? await guestPageChat(db, account.id, guest.id, loop.location_id, lang, null) : undefined;
      const heading = loop.title ?? text(lang, 'stay.yourRequest');
      return sendGuestPage(
        reply,
        'stay',
        lang,
        {
          title: heading,
          heading,
          subheading: location ? title(location.title) : null,
          greeting: guest?.name ? text(lang, 'stay.helloName', { name: guest.name }) : text(lang, 'stay.hello'),
          statusText: null,
          status: loop.state,
          details: [],
          requests: requestsView(
            [loop, ...others].map((l) => ({ ...l, locationTitle: locations.get(l.location_id) || null })),
            lang,
          ),
          survey: null,
          chat: chat ? chatView(chat.session.session_key, chat.session.language ?? 'en', chat.messages, lang) : null,
        },
        chat ? '/g/assets/chat.js' : null,
      );
    },
  );

  const CreateParams = Type.Object({ slug: Type.String(), shortcode: Type.String() });
  const CreateQuery = Type.Object({ _uid: Type.Optional(Type.String()), sig: Type.Optional(Type.String()) });

  app.get('/p/:slug/create/:shortcode', { schema: { hide: true, params: CreateParams, querystring: CreateQuery } }, async (request, reply) => {
    const ctx = await invitation(request.params, request.query);
    if (!ctx) return sendNotFoundPage(reply, request);
    const locations = ctx.location ? [ctx.location] : await listLoopLocations(db, ctx.account.id);
    const loopTypes = await listLoopTypes(db, ctx.account.id);
    const lang = guestLanguage([ctx.guest?.language], request.headers['accept-language']);
    // The form posts back to the link it was opened with, signature included.
    const query = ctx.guest ? `?_uid=${request.query._uid}&sig=${request.query.sig}` : `?sig=${request.query.sig}`;
    return sendGuestPage(reply, 'invite', lang, {
      title: text(lang, 'invite.title'),
      guestName: ctx.guest?.name ?? null,
      action: `${request.url.split('?')[0]}${query}`,
      locations: locations.map((l) => ({ id: loopIdOf('location', l), title: title(l.title) })),
      loopTypes: loopTypes.map((t) => ({ id: loopIdOf('looptype', t), title: title(t.title) })),
    });
  });

  app.post(
    '/p/:slug/create/:shortcode',
    {
      schema: {
        hide: true,
        params: CreateParams,
        querystring: CreateQuery,
        body: Type.Object({ location: Type.String(), loopType: Type.Optional(Type.String()), description: Type.String({ minLength: 1, maxLength: 4000 }) }),
      },
    },
    async (request, reply) => {
      const ctx = await invitation(request.params, request.query);
      if (!ctx) return sendNotFoundPage(reply, request);
      const accountId = ctx.account.id;
      const location = await findLoopLocation(db, accountId, request.body.location);
      const loopTypeId = await loopRowId(db, accountId, 'looptype', request.body.loopType);
      const loopType = (await listLoopTypes(db, accountId)).find((t) => t.id === loopTypeId);
      if (!location || (ctx.location && ctx.location.id !== location.id)) {
        const lang = guestLanguage([ctx.guest?.language], request.headers['accept-language']);
        return sendMessagePage(reply.status(400), lang, text(lang, 'invite.chooseLocation'), text(lang, 'invite.chooseLocationHeading'));
      }
      const retryAfter = await limits.take(request, ctx.guest ? `${accountId}:${ctx.guest.id}` : undefined);
      if (retryAfter !== undefined) return tooManyPage(request, reply, retryAfter);
      const { loop, activity } = await inWriteTransaction(db, (trx) =>
        openLoop(inTransaction(requestOrigin(request, accountId, GUEST_ACTOR), trx), {
          locationId: location.id,
          loopTypeId: loopType?.id ?? null,
          creatorGuestId: ctx.guest?.id ?? null,
          creatorName: ctx.guest?.name ?? null,
          source: 'web',
          medium: 'web',
          createDevice: `browser:${request.headers['user-agent'] ?? ''}`.slice(0, 300),
          description: request.body.description.trim(),
          contact: { email: ctx.guest?.email, sms: ctx.guest?.mobile },
        }),
      );
      realtime.hub.publish({ kind: 'request', accountId, change: 'opened', request: { ...loop, activities: [activity] } });
      return reply.redirect(await loopPageUrl(db, config, accountId, loop.id), 303);
    },
  );

  /**
   * The account, location and (for a personal link) guest an invite link names, or undefined when
   * the link is not one we signed or names something that does not exist. The signature is checked
   * before anything else is looked up, so an unsigned link never reaches the account's locations.
   */
  async function invitation(
    params: { slug: string; shortcode: string },
    query: { _uid?: string; sig?: string },
  ): Promise<{ account: Account; location?: Location; guest?: Guest } | undefined> {
    const account = await findAccountBySlug(db, params.slug);
    const secret = account?.page_secret ?? NO_ACCOUNT_SECRET;
    const personal = query._uid !== undefined;
    const subject = personal ? guestLinkSubject(query._uid!) : inviteLinkSubject(params.slug, params.shortcode);
    if (!verifyPageLink(secret, subject, query.sig) || !account) return undefined;
    let location: Location | undefined;
    if (params.shortcode !== 'any') {
      location = await findLoopLocation(db, account.id, params.shortcode);
      if (!location) return undefined;
    }
    if (!personal) return { account, location };
    const guestId = await loopRowId(db, account.id, 'guest', query._uid);
    const guest = guestId === undefined ? undefined : await findGuest(db, account.id, guestId);
    return guest ? { account, location, guest } : undefined;
  }
}
