import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findAccountById } from '../../../core/accounts/accounts.js';
import { findGuest } from '../../../core/guests/guests.js';
import { findLevel } from '../../../core/loyalty/levels.js';
import { findMember } from '../../../core/loyalty/members.js';
import { listOperations } from '../../../core/loyalty/operations.js';
import { openLots, portalLogin, portalPasswordReset, productsFor, redeemProduct } from '../../../core/loyalty/portal.js';
import { findProduct } from '../../../core/loyalty/products.js';
import { AppError } from '../../../core/shared/errors.js';
import type { LoyaltyMember } from '../../../db/schema.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { CredentialFailures } from '../../http/credential-failures.js';
import { retryAfterOf } from '../../http/credential-failures.js';
import { parseFormBody, sameOriginForm } from '../../http/form-origin.js';
import { flatTexts, type GuestLanguage, guestLanguage, renderGuestPageSync } from '../../http/guest-views.js';
import { guestPageHeaders } from '../../http/security-headers.js';
import type { FideltourDeps } from '../context.js';
import {
  PORTAL_PATH,
  SESSION_COOKIE,
  clearSessionCookie,
  formToken,
  formTokenHolds,
  readSessionClaim,
  sessionHolds,
  sessionToken,
  setSessionCookie,
} from './member-session.js';

/*
 * The member portal, GET {PUBLIC_URL}/fideltour/portal: a member signs in with the e-mail and
 * password of the programme (the Loyalty face's loyalty-login credentials, with its failure
 * counters and lockouts), sees the balance, the lots with their expiry, the history and the
 * rewards, redeems one (the ledger's redemption, which never overdraws), asks for a reset link
 * (the programme's reset e-mail and page) and signs out. Every POST answers a redirect (303) when
 * it worked, so a reload never sends it again.
 */

type Form = Record<string, string | string[] | undefined>;
const field = (form: Form, name: string) => {
  const v = form[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
};
const NOTICES = new Set(['signed_out', 'reset_sent', 'expired', 'redeemed']);

interface Signed {
  member: LoyaltyMember;
  language: GuestLanguage;
  name: string;
  email: string;
  accountName: string;
}

export async function portalPageRoutes(app: FastifyInstance, deps: FideltourDeps & { memberLoginFailures: CredentialFailures }): Promise<void> {
  const { db, config, memberLoginFailures: failures } = deps;
  await guestPageHeaders(app, config.publicUrl);
  await app.register(cookie);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) =>
    done(null, parseFormBody(body as string)),
  );
  const base = `${config.publicUrl.replace(/\/$/, '')}${PORTAL_PATH}`;

  /** The signed-in member of the request's session cookie, if it holds. */
  async function signedIn(request: FastifyRequest): Promise<Signed | undefined> {
    const claim = readSessionClaim(request.cookies[SESSION_COOKIE]);
    if (!claim) return undefined;
    const [account, member, guest] = await Promise.all([
      findAccountById(db, claim.accountId),
      findMember(db, claim.accountId, claim.guestId),
      findGuest(db, claim.accountId, claim.guestId),
    ]);
    if (!account || !guest || !member || !sessionHolds(account.page_secret, claim.token, member)) return undefined;
    const language = guestLanguage([guest.language], request.headers['accept-language']);
    return { member, language, name: guest.name ?? guest.email ?? '', email: member.signin_email ?? '', accountName: account.name };
  }

  const send = async (reply: FastifyReply, status: number, template: string, vars: Record<string, unknown>, language: GuestLanguage) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .send(renderGuestPageSync(template, language, { base, notice: '', error: '', ...vars }));

  function signInPage(request: FastifyRequest, reply: FastifyReply, status: number, opts: { notice?: string; error?: string; email?: string } = {}) {
    const language = guestLanguage([], request.headers['accept-language']);
    const t = flatTexts(language);
    return send(
      reply,
      status,
      'portal-sign-in',
      { title: t.portal_sign_in_title, brand: t.portal_title, form_token: formToken(request, reply, config.publicUrl), email: opts.email ?? '', ...opts },
      language,
    );
  }

  async function homePage(request: FastifyRequest, reply: FastifyReply, who: Signed, status: number, opts: { notice?: string; error?: string } = {}) {
    const { member, language } = who;
    const t = flatTexts(language);
    const now = Date.now();
    const day = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
    const [level, lots, operations, products] = await Promise.all([
      member.level_id === null ? undefined : findLevel(db, member.account_id, member.level_id),
      openLots(db, member.account_id, member.guest_id, now),
      listOperations(db, member.account_id, { guestIds: [member.guest_id], limit: 20, offset: 0 }),
      productsFor(db, member, now),
    ]);
    return send(
      reply,
      status,
      'portal-home',
      {
        ...opts,
        title: t.portal_title,
        brand: who.accountName,
        form_token: formToken(request, reply, config.publicUrl),
        member: { name: who.name, email: who.email, points: member.points, level_points: member.level_points, level: level?.name ?? '' },
        lots: lots.map((lot) => ({
          earned: day.format(lot.created_at),
          remaining: lot.remaining_points,
          expires: lot.expires_at === null ? t.portal_never : day.format(lot.expires_at),
        })),
        operations: operations.rows.map((op) => ({
          date: day.format(op.created_at),
          concept: op.concept ?? op.kind,
          points: op.points > 0 ? `+${op.points}` : String(op.points),
        })),
        products: products.map((p) => ({ id: p.id, title: p.title, points: p.points })),
      },
      language,
    );
  }

  /** A refused form (another site's POST, or a stale form token): 403, nothing done. */
  function refused(request: FastifyRequest, reply: FastifyReply) {
    const language = guestLanguage([], request.headers['accept-language']);
    const t = flatTexts(language);
    return send(reply, 403, 'link-not-found', { title: t.refused_title, brand: t.portal_title, heading: t.refused_title, text: t.refused_text }, language);
  }
  const checkForm = (request: FastifyRequest, form: Form) => sameOriginForm(request, config.publicUrl) && formTokenHolds(request, form.form_token);
  const redirect = (reply: FastifyReply, notice: string, extra = '') => reply.redirect(`${base}?notice=${notice}${extra}`, 303);

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const notice = NOTICES.has(query.notice ?? '') ? (query.notice as string) : '';
    const who = await signedIn(request);
    if (!who) {
      const t = flatTexts(guestLanguage([], request.headers['accept-language']));
      return signInPage(request, reply, 200, { notice: notice && notice !== 'redeemed' ? t[`portal_${notice}`] : '' });
    }
    const t = flatTexts(who.language);
    let text = notice && notice !== 'redeemed' && notice !== 'expired' ? t[`portal_${notice}`] : '';
    if (notice === 'redeemed' && /^\d{1,15}$/.test(query.product ?? '')) {
      const product = await findProduct(db, who.member.account_id, Number(query.product));
      if (product) text = t.portal_redeemed.replace('{product}', product.title);
    }
    return homePage(request, reply, who, 200, { notice: text });
  });

  app.post('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    if (!checkForm(request, form)) return refused(request, reply);
    const t = flatTexts(guestLanguage([], request.headers['accept-language']));
    const email = field(form, 'email').slice(0, 254);
    const password = typeof form.password === 'string' ? form.password : '';
    if (!email || !password) return signInPage(request, reply, 400, { error: t.portal_fill_in, email });
    // The Loyalty face's loyalty-login counters: failures here and there add up per address.
    const credential = `portal:${email.toLowerCase()}`;
    const locked = failures.lockout(request, credential);
    if (locked) {
      reply.header('retry-after', String(retryAfterOf(locked) ?? 60));
      return signInPage(request, reply, 429, { error: t.portal_locked, email });
    }
    const member = await portalLogin(db, email, password);
    const account = member ? await findAccountById(db, member.account_id) : undefined;
    if (!member || !account) {
      await failures.failed(request, credential);
      return signInPage(request, reply, 401, { error: t.portal_wrong, email });
    }
    setSessionCookie(reply, config.publicUrl, sessionToken(account.page_secret, member));
    return reply.redirect(base, 303);
  });

  app.post('/sign-out', { schema: { hide: true } }, async (request, reply) => {
    if (!checkForm(request, (request.body ?? {}) as Form)) return refused(request, reply);
    clearSessionCookie(reply, config.publicUrl);
    return redirect(reply, 'signed_out');
  });

  app.post('/password-reset', { schema: { hide: true } }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    if (!checkForm(request, form)) return refused(request, reply);
    const email = field(form, 'email').slice(0, 254);
    // The same answer whether or not a member signs in with this e-mail.
    if (email) await inWriteTransaction(db, (trx) => portalPasswordReset(trx, email));
    return redirect(reply, 'reset_sent');
  });

  app.post('/redeem', { schema: { hide: true } }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    if (!checkForm(request, form)) return refused(request, reply);
    const who = await signedIn(request);
    if (!who) return redirect(reply, 'expired');
    const t = flatTexts(who.language);
    const productId = Number(field(form, 'product'));
    const { account_id: accountId, guest_id: guestId } = who.member;
    const product = Number.isSafeInteger(productId) && productId > 0 ? await findProduct(db, accountId, productId) : undefined;
    if (!product) return homePage(request, reply, who, 404, { error: t.portal_no_product });
    try {
      await inWriteTransaction(db, (trx) => redeemProduct(trx, accountId, guestId, product.id, `loyalty-member:${guestId}`));
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const error = err.status === 404 ? t.portal_no_product : t.portal_not_enough.replace('{product}', product.title);
      // The balance as it is now (another device may have spent it meanwhile).
      const fresh = { ...who, member: (await findMember(db, accountId, guestId)) ?? who.member };
      return homePage(request, reply, fresh, err.status === 404 ? 404 : 400, { error });
    }
    return redirect(reply, 'redeemed', `&product=${product.id}`);
  });
}
