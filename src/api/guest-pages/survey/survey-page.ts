import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../config/config.js';
import { findAccountBySlug } from '../../../core/accounts/accounts.js';
import { signPageLink, verifyPageLink } from '../../../core/accounts/page-links.js';
import { readSurveyLink, surveyLinkSubject, type SurveyLink } from '../../../core/accounts/survey-links.js';
import { findEvaluation } from '../../../core/feedback/evaluations.js';
import { currentQuestionSet, loadQuestionSetTrees, type QuestionSetTree } from '../../../core/feedback/question-sets.js';
import { answerSurveyLink, surveyLinkAnswer, surveyLinkLocation } from '../../../core/feedback/survey-link-answers.js';
import { FEEDBACK_SOURCES, type FeedbackSource } from '../../../core/feedback/vocabulary.js';
import { findGuest } from '../../../core/guests/guests.js';
import { findLocation, reviewLinksOf } from '../../../core/locations/locations.js';
import { AppError } from '../../../core/shared/errors.js';
import { parseJson, pickText, type I18nText } from '../../../core/shared/json.js';
import { GUEST_ACTOR, writeContext } from '../../../core/shared/write-context.js';
import { findStay } from '../../../core/stays/stays.js';
import type { Db } from '../../../db/database.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import { guardLinkPages, type CredentialLimits } from '../../http/credential-failures.js';
import { parseFormBody, sameOriginForm } from '../../http/form-origin.js';
import { flatTexts, type GuestLanguage, guestLanguage, renderGuestPageSync } from '../../http/guest-views.js';
import { guestPageHeaders } from '../../http/security-headers.js';
import { MAX_TEXT, type PostedForm, isPromoter, readSurveyForm, surveyView } from './survey-form.js';

/*
 * The survey page of a survey invitation: GET /survey/<slug>/<surveyId>?guest=&stay=&source=&sig=
 * shows the survey's current question set in the guest's language; its POST stores the answers
 * as one answer document with the link's source, guest and stay (once per link), thanks the
 * guest and offers a promoter the hotel's review links. A link whose signature fails is the same
 * 404 as an unknown one (and counts as a failed credential check of its address). The form
 * carries a token signed for this link and a day, and a POST from another site is refused: no
 * cross-site page can answer for a guest.
 */

export interface SurveyPageDeps {
  db: Db;
  config: Config;
  credentialLimits: CredentialLimits;
}

const FORM_TOKEN_MS = 24 * 60 * 60 * 1000;
const Params = Type.Object({ slug: Type.String({ maxLength: 100 }), surveyId: Type.String({ maxLength: 20 }) });
type Request = FastifyRequest<{ Params: { slug: string; surveyId: string }; Querystring: Record<string, unknown> }>;

/** Everything a survey link opens, or undefined (the page is a 404). */
interface OpenedLink {
  accountId: number;
  secret: string;
  link: SurveyLink;
  tree: QuestionSetTree;
  surveyName: string;
  locationId: number;
  hotel: string;
  language: GuestLanguage;
  guest: { name: string | null; email: string | null };
  stay: { reservation: string | null; checkinDate: string | null; checkoutDate: string | null };
}

async function openLink(db: Db, request: Request): Promise<OpenedLink | undefined> {
  const account = await findAccountBySlug(db, request.params.slug);
  if (!account) return undefined;
  const link = readSurveyLink(account.page_secret, account.slug, request.params.surveyId, request.query);
  if (!link || !FEEDBACK_SOURCES.some((s) => s === link.source)) return undefined;
  const accountId = account.id;
  const [evaluation, guest, stay] = await Promise.all([
    findEvaluation(db, accountId, link.surveyId),
    findGuest(db, accountId, link.guestId),
    link.stayId === null ? undefined : findStay(db, accountId, link.stayId),
  ]);
  if (!evaluation || !guest) return undefined;
  const set = await currentQuestionSet(db, accountId, evaluation.id);
  const [tree] = set ? await loadQuestionSetTrees(db, accountId, [set]) : [];
  const locationId = await surveyLinkLocation(db, accountId, evaluation.id, stay?.location_id ?? null);
  if (!tree || locationId === undefined) return undefined;
  const location = await findLocation(db, accountId, locationId);
  const language = guestLanguage([guest.language, stay?.language], request.headers['accept-language']);
  return {
    accountId,
    secret: account.page_secret,
    link,
    tree,
    surveyName: evaluation.name,
    locationId,
    hotel: location ? pickText(parseJson<I18nText>(location.title, {}), language) : account.name,
    language,
    guest: { name: guest.name, email: guest.email },
    stay: { reservation: stay?.booking_reference ?? null, checkinDate: stay?.checkin_date ?? null, checkoutDate: stay?.checkout_date ?? null },
  };
}

const formTokenOf = (opened: OpenedLink, issuedAt: number) =>
  `${issuedAt}.${signPageLink(opened.secret, `survey-form:${surveyLinkSubject(opened.link)}:${issuedAt}`)}`;

function formTokenHolds(opened: OpenedLink, token: unknown, now = Date.now()): boolean {
  if (typeof token !== 'string') return false;
  const [issued, signature] = token.split('.');
  const issuedAt = Number(issued);
  if (!/^\d{1,15}$/.test(issued ?? '') || issuedAt > now || now - issuedAt > FORM_TOKEN_MS) return false;
  return verifyPageLink(opened.secret, `survey-form:${surveyLinkSubject(opened.link)}:${issuedAt}`, signature);
}

export async function surveyPageRoutes(app: FastifyInstance, { db, config, credentialLimits }: SurveyPageDeps): Promise<void> {
  await guestPageHeaders(app, config.publicUrl);
  // A page answered 404 (a tampered or unknown link) counts against its address; too many: a 429 page.
  guardLinkPages(app, credentialLimits.failuresOf('survey-link'), (request) => request.url);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) =>
    done(null, parseFormBody(body as string)),
  );

  const send = async (reply: FastifyReply, status: number, template: string, vars: Record<string, unknown>, language: GuestLanguage) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .send(renderGuestPageSync(template, language, vars));
  const notFound = (request: FastifyRequest, reply: FastifyReply) => {
    const language = guestLanguage([], request.headers['accept-language']);
    const t = flatTexts(language);
    return send(reply, 404, 'link-not-found', { title: t.not_found_title, brand: '', heading: t.not_found_title, text: t.not_found_text }, language);
  };
  const action = (request: FastifyRequest) => `${config.publicUrl.replace(/\/$/, '')}${request.url}`;
  const formPage = (request: Request, reply: FastifyReply, opened: OpenedLink, status: number, form: PostedForm, errors: Map<number, string>) =>
    send(
      reply,
      status,
      'survey',
      {
        title: opened.surveyName,
        brand: opened.hotel,
        survey_name: opened.surveyName,
        action: action(request),
        form_token: formTokenOf(opened, Date.now()),
        max_text: MAX_TEXT,
        sections: surveyView(opened.tree, opened.language, form, errors),
        errors: [...errors].map(([questionId, message]) => ({ question_id: questionId, message })),
      },
      opened.language,
    );
  const donePage = (reply: FastifyReply, opened: OpenedLink, already: boolean, reviewLinks: Array<{ name: string; url: string }>) =>
    send(
      reply,
      200,
      'survey-done',
      { title: opened.surveyName, brand: opened.hotel, hotel: opened.hotel, already, review_links: reviewLinks },
      opened.language,
    );

  app.get('/survey/:slug/:surveyId', { schema: { hide: true, params: Params } }, async (request, reply) => {
    const opened = await openLink(db, request as Request);
    if (!opened) return notFound(request, reply);
    if (await surveyLinkAnswer(db, opened.accountId, opened.link)) return donePage(reply, opened, true, []);
    return formPage(request as Request, reply, opened, 200, {}, new Map());
  });

  app.post('/survey/:slug/:surveyId', { schema: { hide: true, params: Params } }, async (request, reply) => {
    const opened = await openLink(db, request as Request);
    if (!opened) return notFound(request, reply);
    const form = (request.body ?? {}) as PostedForm;
    const t = flatTexts(opened.language);
    if (!sameOriginForm(request, config.publicUrl) || !formTokenHolds(opened, form.form_token)) {
      return send(
        reply,
        403,
        'link-not-found',
        { title: t.refused_title, brand: opened.hotel, heading: t.refused_title, text: t.refused_text },
        opened.language,
      );
    }
    const { answers, errors } = readSurveyForm(opened.tree, form, t);
    if (errors.size > 0) return formPage(request as Request, reply, opened, 400, form, errors);
    const { accountId, link } = opened;
    let created: boolean;
    try {
      ({ created } = await inWriteTransaction(db, (trx) =>
        answerSurveyLink(writeContext(trx, accountId, GUEST_ACTOR, request.id), {
          ...link,
          source: link.source as FeedbackSource,
          locationId: opened.locationId,
          guestName: opened.guest.name,
          guestEmail: opened.guest.email,
          ...opened.stay,
          answers,
        }),
      ));
    } catch (err) {
      // Two submits at once: the other one wrote the link's document.
      if (!(err instanceof AppError && err.status === 409 && (await surveyLinkAnswer(db, accountId, link)))) throw err;
      created = false;
    }
    if (!created) return donePage(reply, opened, true, []);
    const location = await findLocation(db, accountId, opened.locationId);
    const reviewLinks = location && isPromoter(opened.tree, answers) ? reviewLinksOf(location) : [];
    return donePage(reply, opened, false, reviewLinks);
  });
}
