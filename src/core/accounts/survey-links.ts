import { signPageLink, verifyPageLink } from './page-links.js';

/**
 * A survey invitation's link: GET {PUBLIC_URL}/survey/<slug>/<surveyId>?guest=&stay=&source=&sig=
 * opens the survey page for one guest (and stay, when the invitation was about one), and the answer
 * it writes carries `source`. Like the other guest pages, the link needs no credential: the
 * signature under the account's page secret covers every parameter, so none can be changed.
 * The journeys' survey-invitation action builds it; the survey page verifies it.
 */
export interface SurveyLink {
  slug: string;
  surveyId: number;
  guestId: number;
  stayId: number | null;
  /** the answer document's source, e.g. 'poststay' */
  source: string;
}

/** What the signature covers. */
export const surveyLinkSubject = (link: SurveyLink) => `survey:${link.slug}:${link.surveyId}:${link.guestId}:${link.stayId ?? ''}:${link.source}`;

/** The link's path and query (the sender prefixes PUBLIC_URL). */
export function surveyLinkPath(secret: string, link: SurveyLink): string {
  const query = new URLSearchParams({ guest: String(link.guestId), source: link.source });
  if (link.stayId !== null) query.set('stay', String(link.stayId));
  query.set('sig', signPageLink(secret, surveyLinkSubject(link)));
  return `/survey/${encodeURIComponent(link.slug)}/${link.surveyId}?${query}`;
}

/**
 * The link a survey page was opened with, when its signature holds (undefined otherwise: the
 * page answers 404, never saying which part was wrong).
 */
export function readSurveyLink(secret: string, slug: string, surveyId: string, query: Record<string, unknown>): SurveyLink | undefined {
  const id = positiveInteger(surveyId);
  const guestId = positiveInteger(query.guest);
  const stayId = query.stay === undefined ? null : positiveInteger(query.stay);
  const source = typeof query.source === 'string' && /^[a-z-]{1,32}$/.test(query.source) ? query.source : undefined;
  if (id === undefined || guestId === undefined || stayId === undefined || source === undefined) return undefined;
  const link: SurveyLink = { slug, surveyId: id, guestId, stayId, source };
  return verifyPageLink(secret, surveyLinkSubject(link), query.sig) ? link : undefined;
}

function positiveInteger(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,15}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}
