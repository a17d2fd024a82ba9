/*
 * Journey event types: one scheme for every face, dot-separated and lower case, `noun.verb_past`
 * in the neutral vocabulary (DESIGN.md "Write context and domain events"). Each face translates
 * its own wire words to these through one table of its own (the Loop face's ContactEvent words:
 * api/loop-v1/journey-event-words.ts); stored rows carry only these names.
 */

/** The journey event types with a meaning for Openstay. */
export const JOURNEY_EVENT_TYPES = [
  'stay.registered', // a stay was registered (core stays/register-stay.ts)
  'stay.updated', // fields of a registered stay changed; payload.fields names them
  'stay.status_changed', // a registration moved the stay's status; payload {from, to}
  'stay.checked_in', // the guest checked in
  'stay.room_readied', // the guest's room is ready (the guest is in house)
  'stay.checked_out', // the guest checked out
] as const;
export type KnownJourneyEventType = (typeof JOURNEY_EVENT_TYPES)[number];

/** An event a face reports without a neutral name is kept as `custom.<its word>`, so rules can still match it. */
export const CUSTOM_EVENT_PREFIX = 'custom.';
export type JourneyEventType = KnownJourneyEventType | `${typeof CUSTOM_EVENT_PREFIX}${string}`;

const KNOWN = new Set<string>(JOURNEY_EVENT_TYPES);
const CUSTOM_WORD = /^[a-z0-9_.:-]{1,64}$/;

/** The type of an event a face has no neutral name for: its word, lower-cased, under custom. */
export function customEventType(word: string): JourneyEventType {
  return `${CUSTOM_EVENT_PREFIX}${word.trim().toLowerCase()}`;
}

/** True for a type of the scheme: a known one, or custom.<word>. Guards every write of the timeline. */
export function isJourneyEventType(type: string): type is JourneyEventType {
  if (KNOWN.has(type)) return true;
  return type.startsWith(CUSTOM_EVENT_PREFIX) && CUSTOM_WORD.test(type.slice(CUSTOM_EVENT_PREFIX.length));
}
