import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/*
 * How guests' identifiers are written down, so that the same person matches however a face sent
 * them: e-mails trimmed and case-folded; phone numbers in E.164 through libphonenumber-js, national
 * numbers read with a country (the location's, else the account's defaultCountry). A number that
 * does not parse is kept as sent (trimmed) and is never used for matching.
 */

/** Trimmed and case-folded; '' is no e-mail (null). */
export function normaliseEmail(email: string | null | undefined): string | null | undefined {
  if (email === undefined || email === null) return email;
  const trimmed = email.trim().toLowerCase();
  return trimmed === '' ? null : trimmed;
}

/** A phone number as stored and whether it may match: `e164` is set only when it parsed. */
export interface NormalisedPhone {
  stored: string;
  e164?: string;
}

// Parsing costs 5-70 µs, and integrations resend the same numbers all day: results are kept, per
// number and country, up to a bound (then the memo starts again). A number that parsed is also
// kept under its E.164 form, which is how it comes back from the database.
const MEMO_MAX = 50_000;
const memo = new Map<string, NormalisedPhone>();

/** True when the number says its own country (+..., or 00... as dialled from most countries). */
export function isInternational(raw: string): boolean {
  return /^\s*(\+|00[1-9])/.test(raw);
}

/**
 * The number in E.164 when it parses: international numbers on their own, national ones with the
 * first country of `countries` under which the number is valid, else the first under which it is
 * at least possible (test and reserved ranges such as 555 are possible but not valid).
 */
export function normalisePhone(raw: string, countries: ReadonlyArray<CountryCode> = []): NormalisedPhone | undefined {
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  const international = isInternational(trimmed);
  const memoKey = international ? trimmed : `${countries.join(',')}|${trimmed}`;
  const known = memo.get(memoKey);
  if (known) return known;
  const result: NormalisedPhone = { stored: trimmed };
  const e164 = nanpE164(trimmed, international, countries) ?? (international ? parseInternational(trimmed) : parseNational(trimmed, countries));
  if (e164) {
    result.stored = e164;
    result.e164 = e164;
  }
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(memoKey, result);
  if (e164 && e164 !== memoKey) memo.set(e164, result);
  return result;
}

/**
 * North American numbers (calling code 1: the US, Canada and 23 other countries) without asking
 * libphonenumber-js: E.164 is +1 and the ten-digit national number, which is also what makes one
 * possible, while the library spends most of a parse (50-70 µs) choosing which of the 25 countries
 * the number is in, which E.164 does not need. Only plain digits (with spaces, dashes, dots or
 * parentheses) of the right length, and a national number only when every country it may be read
 * in is North American; anything else is the library's (undefined here). Tested against the
 * library's own answers (test/identifiers.test.ts).
 */
function nanpE164(trimmed: string, international: boolean, countries: ReadonlyArray<CountryCode>): string | undefined {
  const compact = trimmed.replace(/[\s\-.()]/g, '');
  if (international) {
    const digits = compact.startsWith('+1') ? compact.slice(2) : compact.startsWith('001') ? compact.slice(3) : undefined;
    return digits !== undefined && /^\d{10}$/.test(digits) ? `+1${digits}` : undefined;
  }
  if (countries.length === 0 || !countries.every((country) => getCountryCallingCode(country) === '1')) return undefined;
  if (/^\d{10}$/.test(compact)) return `+1${compact}`;
  if (/^1\d{10}$/.test(compact)) return `+${compact}`;
  return undefined;
}

function parseInternational(trimmed: string): string | undefined {
  // "+46 (0)70...": the national trunk 0 is not dialled from abroad; "0046..." is "+46...".
  const text = trimmed.replace(/^(\+\d{1,4})\s*\(0\)/, '$1').replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(text);
  return parsed?.isPossible() ? parsed.number : undefined;
}

function parseNational(trimmed: string, countries: ReadonlyArray<CountryCode>): string | undefined {
  let possible: string | undefined;
  for (const country of countries) {
    const parsed = parsePhoneNumberFromString(trimmed, { defaultCountry: country });
    if (!parsed?.isPossible()) continue;
    // Validity (the number ranges in use, dearer to test) only decides between several countries.
    if (countries.length === 1 || parsed.isValid()) return parsed.number;
    possible ??= parsed.number;
  }
  return possible;
}

let countryNames: Map<string, CountryCode> | undefined;

/**
 * An ISO 3166 alpha-2 code from what a location or setting holds: a code in any case, or a
 * country's English name ("Canada", "Sweden"); undefined otherwise, and for a code whose numbers
 * libphonenumber-js cannot read (a location's free-text country "ZZ"): the library throws on it.
 */
export function countryCode(value: string | null | undefined): CountryCode | undefined {
  const code = anyCountryCode(value);
  return code && isSupportedCountry(code) ? code : undefined;
}

function anyCountryCode(value: string | null | undefined): CountryCode | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^[A-Za-z]{2}$/.test(text)) return text.toUpperCase() as CountryCode;
  if (!countryNames) {
    countryNames = new Map();
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = names.of(code);
        if (name && name !== code) countryNames.set(name.toLowerCase(), code as CountryCode);
      }
    }
  }
  return countryNames.get(text.toLowerCase());
}

/** True when `code` is a country whose numbers libphonenumber-js can read (the defaultCountry setting). */
export function isPhoneCountry(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
}
