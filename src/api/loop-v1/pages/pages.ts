import { GUEST_ACTOR, inTransaction } from '../../../core/shared/write-context.js';
import { requestOrigin } from '../../http/write-origin.js';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { findAccountBySlug } from '../../../core/accounts/accounts.js';
import { verifyPageLink } from '../../../core/accounts/page-links.js';
import { findGuest } from '../../../core/guests/guests.js';
import { findLocation } from '../../../core/locations/locations.js';
import { findLoopLocation, listLoopLocations } from '../routes/resolve.js';
import { listLoopTypes } from '../../../core/locations/loop-types.js';
import { findLoop, openLoop } from '../../../core/requests/loops.js';
import { parseJson, pickText, type I18nText } from '../../../core/shared/json.js';
import type { Account, Guest, Location } from '../../../db/schema.js';
import type { LoopApp, LoopDeps } from '../context.js';
import { decodeId } from '../ids.js';
import { loopIdOf, loopRowId } from '../face-ids.js';
import { guestLinkSubject, inviteLinkSubject, loopLinkSubject, loopPageUrl } from '../links.js';
import { escapeHtml, page } from '../../http/html.js';
import { toAppError } from '../../http/errors.js';
import { guestPageHeaders } from '../../http/security-headers.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import { loopCreationLimits } from './creation-limits.js';

const title = (json: string) => pickText(parseJson<I18nText>(json, {}));

/**
 * The one answer to every link that does not open a page: unsigned, badly signed, naming an
 * unknown account, location, guest or loop. Always the same bytes, so a link tells nothing about
 * what exists.
 */
function notFoundPage(reply: FastifyReply) {
  return reply
    .status(404)
    .type('text/html; charset=utf-8')
    .send(page('Not found', '<h1>This link is not valid</h1><p class="muted">It may have expired or been mistyped.</p>'));
}

function tooManyPage(reply: FastifyReply, retryAfterSeconds: number) {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return reply
    .status(429)
    .header('retry-after', String(retryAfterSeconds))
    .type('text/html; charset=utf-8')
    .send(
      page(
        'Too many requests',
        `<h1>We have received many requests from here</h1><p>Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask the front desk.</p>`,
      ),
    );
}

/** Signs nothing real: lets a link to an unknown account cost the same signature check as any other. */
const NO_ACCOUNT_SECRET = 'no-such-account';

/**
 * The guest pages behind the URLs the Loop face hands out: a loop's page (the guest follows their
 * request) and the invite page (a form to open a request). Every link is signed; see links.ts.
 * Call inside a scope of their own: it sets the scope's security headers and HTML error page.
 */
export async function guestPageRoutes(app: LoopApp, { db, config, realtime }: LoopDeps): Promise<void> {
  await guestPageHeaders(app, config.publicUrl);
  // A guest sees a page, not the face's JSON error (a form sent without its fields, say).
  app.setErrorHandler((err, request, reply) => {
    const appError = toAppError(err, request);
    const text = appError.status >= 500 ? 'Something went wrong on our side. Please try again later.' : appError.message;
    return reply
      .status(appError.status)
      .type('text/html; charset=utf-8')
      .send(page('Sorry', `<h1>Sorry</h1><p>${escapeHtml(text)}</p>`));
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
      if (!account || loopId === undefined || !signed) return notFoundPage(reply);
      const loop = await findLoop(db, account.id, loopId);
      if (!loop) return notFoundPage(reply);
      const location = await findLocation(db, account.id, loop.location_id);
      const activities = loop.activities
        .map((a) => {
          const data = parseJson<Record<string, unknown>>(a.data, {});
          return `<div class="activity"><strong>${escapeHtml(a.type)}</strong> <span class="muted">${new Date(a.occurred_at).toISOString()}</span>${
            data.description ? `<p>${escapeHtml(data.description)}</p>` : ''
          }</div>`;
        })
        .join('');
      return reply.type('text/html; charset=utf-8').send(
        page(
          loop.title ?? 'Your request',
          `<h1>${escapeHtml(loop.title ?? 'Your request')}</h1>
<p class="muted">${escapeHtml(location ? title(location.title) : '')} · ${escapeHtml(loop.state)}</p>
<p>${escapeHtml(loop.description ?? '')}</p>${activities}`,
        ),
      );
    },
  );

  const CreateParams = Type.Object({ slug: Type.String(), shortcode: Type.String() });
  const CreateQuery = Type.Object({ _uid: Type.Optional(Type.String()), sig: Type.Optional(Type.String()) });

  app.get('/p/:slug/create/:shortcode', { schema: { hide: true, params: CreateParams, querystring: CreateQuery } }, async (request, reply) => {
    const ctx = await invitation(request.params, request.query);
    if (!ctx) return notFoundPage(reply);
    const locations = ctx.location ? [ctx.location] : await listLoopLocations(db, ctx.account.id);
    const loopTypes = await listLoopTypes(db, ctx.account.id);
    // The form posts back to the link it was opened with, signature included.
    const query = ctx.guest ? `?_uid=${escapeHtml(request.query._uid)}&amp;sig=${escapeHtml(request.query.sig)}` : `?sig=${escapeHtml(request.query.sig)}`;
    const action = `${escapeHtml(request.url.split('?')[0])}${query}`;
    return reply.type('text/html; charset=utf-8').send(
      page(
        'How can we help?',
        `<h1>${ctx.guest?.name ? `Hello ${escapeHtml(ctx.guest.name)}, how` : 'How'} can we help?</h1>
<form method="post" action="${action}">
<label for="location">Where are you?</label><select id="location" name="location">${locations
          .map((l) => `<option value="${loopIdOf('location', l)}">${escapeHtml(title(l.title))}</option>`)
          .join('')}</select>
<label for="loopType">What is it about?</label><select id="loopType" name="loopType">${loopTypes
          .map((t) => `<option value="${loopIdOf('looptype', t)}">${escapeHtml(title(t.title))}</option>`)
          .join('')}</select>
<label for="description">Your message</label><textarea id="description" name="description" rows="5" required maxlength="4000"></textarea>
<button type="submit">Send</button></form>`,
      ),
    );
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
      if (!ctx) return notFoundPage(reply);
      const accountId = ctx.account.id;
      const location = await findLoopLocation(db, accountId, request.body.location);
      const loopTypeId = await loopRowId(db, accountId, 'looptype', request.body.loopType);
      const loopType = (await listLoopTypes(db, accountId)).find((t) => t.id === loopTypeId);
      if (!location || (ctx.location && ctx.location.id !== location.id)) {
        return reply.status(400).type('text/html; charset=utf-8').send(page('Please choose a location', '<h1>Please choose a location from the list</h1>'));
      }
      const retryAfter = await limits.take(request, ctx.guest ? `${accountId}:${ctx.guest.id}` : undefined);
      if (retryAfter !== undefined) return tooManyPage(reply, retryAfter);
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
