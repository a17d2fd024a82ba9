/** Parses a JSON column, falling back to `fallback` for null or corrupt text. */
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** An i18n text map such as {"en": "Room Number"}. */
export type I18nText = Record<string, string>;

/** Accepts a plain string (stored as English) or an i18n map. */
export function toI18n(value: string | I18nText, language = 'en'): I18nText {
  return typeof value === 'string' ? { [language]: value } : value;
}

/** The text of an i18n map in `language`, else English, else the first one. */
export function pickText(map: I18nText, language = 'en'): string {
  return map[language] ?? map.en ?? Object.values(map)[0] ?? '';
}
