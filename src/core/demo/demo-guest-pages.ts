import { createHmac } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { pageLinkAccount } from '../accounts/page-links.js';
import { surveyLinkPath } from '../accounts/survey-links.js';
import { findEvaluationByShortcode } from '../feedback/evaluations.js';
import { findLocation, updateLocation } from '../locations/locations.js';
import { findStay } from '../stays/stays.js';
import { keepStayLink } from '../stays/stay-links.js';
import { HOTEL_SURVEY } from './loopon-demo-data.js';
import { DEMO_MEMBERS } from './seed-loyalty-demo.js';

/*
 * The guest pages of the demo's chat stay (Anna Lind at Sea Hotel Kattegat), the same on every
 * run: the stay page's link token is derived from the account's page secret (so it is not
 * guessable, and needs nothing kept), the survey link is the signed post-stay invitation of the
 * hotel's survey, and Anna is a member of the programme (seed-loyalty-demo.ts) with the password
 * printed. The hotel gets review links, so a promoter's thanks page shows them.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DEMO_REVIEW_LINKS = [
  { name: 'TripAdvisor', url: 'https://www.tripadvisor.com/Search?q=Sea%20Hotel%20Kattegat' },
  { name: 'Google', url: 'https://www.google.com/maps/search/Sea+Hotel+Kattegat' },
];

export interface DemoGuestPages {
  /** the stay page's link token (the Loopon face renders its URL) */
  stayToken: string;
  /** the survey link's path and query */
  surveyPath: string;
  member: { email: string; password: string };
}

function derivedToken(secret: string, subject: string): string {
  const bytes = createHmac('sha256', secret).update(subject).digest();
  return [...bytes].map((b) => ALPHABET[b % 62]).join('');
}

/** Makes the demo stay's guest pages work (again) and returns what opens them. */
export async function seedDemoGuestPages(db: Db, accountId: number, chatStay: { unitId: number; stayId: number }): Promise<DemoGuestPages> {
  const { slug, secret } = await pageLinkAccount(db, accountId);
  const stay = await findStay(db, accountId, chatStay.stayId);
  const survey = await findEvaluationByShortcode(db, accountId, HOTEL_SURVEY.shortcode);
  if (!stay || !survey) throw new Error('the demo stay or the hotel survey is missing: run the demo seed first');
  const stayToken = derivedToken(secret, `demo-stay-link:${stay.id}`);
  await keepStayLink(db, accountId, stay.id, stayToken);
  const hotel = await findLocation(db, accountId, chatStay.unitId);
  if (hotel && !hotel.review_links) await updateLocation(db, accountId, hotel.id, { reviewLinks: DEMO_REVIEW_LINKS });
  const surveyPath = surveyLinkPath(secret, { slug, surveyId: survey.id, guestId: stay.guest_id, stayId: stay.id, source: 'poststay' });
  const anna = DEMO_MEMBERS.find((m) => m.email === 'anna.lind@example.se') as (typeof DEMO_MEMBERS)[number];
  return { stayToken, surveyPath, member: { email: anna.email, password: anna.password } };
}
