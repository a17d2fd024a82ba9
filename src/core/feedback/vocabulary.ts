import { badRequest } from '../shared/errors.js';

/*
 * The feedback model's vocabulary. Loopon's document lost the value names of these enums; the
 * descriptions are kept next to the names chosen here (docs/compat.md lists them). The journey
 * sources use the same words as stay statuses (prestay, instay, poststay, nextstay).
 */

/** Where feedback came from. */
export const FEEDBACK_SOURCES = [
  'poststay', // post-stay e-mail/sms survey
  'prestay', // pre-stay e-mail/sms survey
  'instay', // in-stay e-mail/sms survey
  'nextstay', // next-stay e-mail/sms survey
  'public', // public web link or QR code (also Loop face responses: kiosks, tablets, apps)
  'manual', // registered by staff from a paper survey
  'reputation', // an online review from a third-party site
] as const;
export type FeedbackSource = (typeof FEEDBACK_SOURCES)[number];

/** Sources delivered by e-mail or SMS (the journey surveys). */
export const EMAIL_SOURCES: FeedbackSource[] = ['poststay', 'prestay', 'instay', 'nextstay'];

/** The guest's choice of how long personal data may stay attached to the answers. */
export const RETENTIONS = ['anonymous', 'thirtyDays', 'untilFurtherNotice'] as const;
export type Retention = (typeof RETENTIONS)[number];

/** Where a survey is in its life. */
export const DOCUMENT_STATUSES = [
  'created', // created, not answered yet
  'answered', // answered and submitted
  'bounced', // the e-mail bounced
  'clicked', // the link was opened but nothing submitted
  'blocked', // not sent, by anti-spam rules
] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** Earlier spellings of the journey sources, still accepted on input. */
const SOURCE_ALIASES: Record<string, FeedbackSource> = {
  'post-stay': 'poststay',
  'pre-stay': 'prestay',
  'in-stay': 'instay',
  'next-stay': 'nextstay',
};

/** A source as stored: canonical spelling, or a 400 naming the accepted values. */
export function readFeedbackSource(value: string, field = 'source'): FeedbackSource {
  const v = value.trim().toLowerCase();
  const source = SOURCE_ALIASES[v] ?? (FEEDBACK_SOURCES as readonly string[]).find((s) => s === v);
  if (!source) throw badRequest(`${field} must be one of ${FEEDBACK_SOURCES.join(', ')}`);
  return source as FeedbackSource;
}

/** What a reader asks for: which sources, and (for reviews) which review sites. */
export interface SourceFilter {
  sources: FeedbackSource[];
  /** null: every review site */
  reputationSources: string[] | null;
}
