import type { Guest, JourneyEvent, Location, Stay } from '../../db/schema.js';
import { parseJson, pickText, type I18nText } from '../shared/json.js';
import type { Facts } from './conditions.js';

/*
 * What a rule sees of an event: the facts its conditions test and the variables its templates
 * use (the trigger's declared set, shared/trigger-variables.ts: every key present, null when
 * unknown, so a strict template never meets an undefined variable).
 */

export interface RuleSubject {
  event: Pick<JourneyEvent, 'id' | 'type' | 'occurred_at' | 'stay_id' | 'location_id' | 'guest_id' | 'payload'>;
  guest: Guest;
  stay: Stay | null;
  location: Location | null;
}

/** The guest's language for messages: the profile's, else the stay's. */
export function subjectLanguage(s: Pick<RuleSubject, 'guest' | 'stay'>): string | null {
  return s.guest.language ?? s.stay?.language ?? null;
}

/** Nights between the stay's dates (calendar dates, no time zone involved), or null. */
function nights(stay: Stay | null): number | null {
  if (!stay?.checkin_date || !stay.checkout_date) return null;
  const days = (Date.parse(`${stay.checkout_date}T00:00:00Z`) - Date.parse(`${stay.checkin_date}T00:00:00Z`)) / 86_400_000;
  return Number.isFinite(days) ? Math.round(days) : null;
}

export function ruleFacts(s: RuleSubject): Facts {
  const facts: Facts = {
    'event.type': s.event.type,
    'location.id': s.location?.id ?? s.event.location_id ?? null,
    'location.shortcode': s.location?.shortcode ?? null,
    'guest.language': subjectLanguage(s),
    'guest.vipStatus': s.guest.vip_status,
    'guest.hasEmail': Boolean(s.guest.email),
    'guest.hasMobile': Boolean(s.guest.mobile),
    'stay.nights': nights(s.stay),
    'stay.status': s.stay?.status ?? null,
    'stay.bookingChannel': s.stay?.booking_channel ?? null,
    'stay.marketSegment': s.stay?.market_segment ?? null,
    'stay.source': s.stay?.source ?? null,
  };
  for (const [key, value] of Object.entries(parseJson<Record<string, unknown>>(s.guest.custom_fields, {}))) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') facts[`guest.custom.${key}`] = value;
  }
  return facts;
}

/** The location's title in the guest's language (else English, else any); a plain string as it is. */
function locationName(location: Location, language: string): string | null {
  const title = parseJson<I18nText | string>(location.title, {});
  return (typeof title === 'string' ? title : pickText(title, language.split('-')[0])) || null;
}

/** The variables of the stay triggers (links are added when the message is rendered). */
export function ruleVariables(s: RuleSubject): Record<string, unknown> {
  const language = subjectLanguage(s) ?? 'en';
  return {
    guest: {
      firstName: s.guest.first_name,
      lastName: s.guest.last_name,
      name: s.guest.name ?? ([s.guest.first_name, s.guest.last_name].filter(Boolean).join(' ') || null),
      email: s.guest.email,
      mobile: s.guest.mobile,
      language: subjectLanguage(s),
      vipStatus: s.guest.vip_status,
    },
    stay: {
      checkinDate: s.stay?.checkin_date ?? null,
      checkoutDate: s.stay?.checkout_date ?? null,
      room: s.stay?.room ?? null,
      bookingReference: s.stay?.booking_reference ?? null,
      status: s.stay?.status ?? null,
    },
    location: { name: s.location ? locationName(s.location, language) : null },
    links: {},
    event: { type: s.event.type, occurredAt: new Date(Number(s.event.occurred_at)).toISOString() },
    loyalty: loyaltyVariables(s.event.payload),
  };
}

/** What a loyalty event moved (shared/trigger-variables.ts LOYALTY_RULE_VARIABLES), from its payload; nulls elsewhere. */
function loyaltyVariables(payload: string): Record<string, unknown> {
  const data = parseJson<Record<string, unknown>>(payload, {});
  const num = (...values: unknown[]) => (values.find((v) => typeof v === 'number' && Number.isFinite(v)) as number | undefined) ?? null;
  return {
    points: num(data.points, data.expired_points),
    levelPoints: num(data.level_points, data.levelPoints),
    concept: typeof data.concept === 'string' ? data.concept : null,
    levelId: num(data.levelId),
    previousLevelId: num(data.previousLevelId),
  };
}
