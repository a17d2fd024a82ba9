import { CUSTOM_EVENT_PREFIX, customEventType, type JourneyEventType } from '../../core/journeys/event-types.js';

/*
 * The one table of the Loop face's journey event words: a ContactEvent's `event` (checkin,
 * roomready, checkout; any other word is the hotel's own) and the journey event type core stores
 * for it. Read both ways: words to types when a ContactEvent arrives, types to words to present.
 */
const LOOP_EVENT_WORDS: Record<string, JourneyEventType> = {
  checkin: 'stay.checked_in',
  roomready: 'stay.room_readied',
  checkout: 'stay.checked_out',
};

const WORD_OF_TYPE = new Map<string, string>(Object.entries(LOOP_EVENT_WORDS).map(([word, type]) => [type, word]));

/** The journey event type of a ContactEvent word (case-insensitive); a word of the hotel's own is custom.<word>. */
export function journeyTypeOfLoopWord(word: string): JourneyEventType {
  const normalised = word.trim().toLowerCase();
  return LOOP_EVENT_WORDS[normalised] ?? customEventType(normalised);
}

/** The ContactEvent word this face shows for a stored journey event type. */
export function loopWordOfJourneyType(type: string): string {
  const word = WORD_OF_TYPE.get(type);
  if (word) return word;
  return type.startsWith(CUSTOM_EVENT_PREFIX) ? type.slice(CUSTOM_EVENT_PREFIX.length) : type;
}
