import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { countryCode, normaliseEmail, normalisePhone } from '../src/core/shared/identifiers.js';

/**
 * What libphonenumber-js itself makes of a number: E.164 when possible, else nothing; a national
 * number in the first country where it is valid, else the first where it is possible.
 */
function library(raw: string, countries: CountryCode[]): string | undefined {
  const text = raw
    .trim()
    .replace(/^(\+\d{1,4})\s*\(0\)/, '$1')
    .replace(/^00(?=[1-9])/, '+');
  if (text.startsWith('+')) {
    const parsed = parsePhoneNumberFromString(text);
    return parsed?.isPossible() ? parsed.number : undefined;
  }
  const parsed = countries.map((country) => parsePhoneNumberFromString(text, { defaultCountry: country })).filter((p) => p?.isPossible());
  return (parsed.find((p) => countries.length === 1 || p?.isValid()) ?? parsed[0])?.number;
}

// A fixed pseudo-random sequence, so a failure can be replayed.
function* digits(seed: number): Generator<string> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield String(x % 10);
  }
}

describe('identifiers', () => {
  it('e-mails are trimmed and case-folded; blank is none', () => {
    expect(normaliseEmail('  Ada@Example.TEST ')).toBe('ada@example.test');
    expect(normaliseEmail('  ')).toBeNull();
  });

  it('phone numbers: E.164 when they parse, kept as sent when they do not', () => {
    expect(normalisePhone('+46 73-044 24 80')).toEqual({ stored: '+46730442480', e164: '+46730442480' });
    expect(normalisePhone('0046 73 044 24 80')?.e164).toBe('+46730442480');
    expect(normalisePhone('+46 (0)70 123 45 67')?.e164).toBe('+46701234567');
    expect(normalisePhone('073-044 24 80', ['SE'])?.e164).toBe('+46730442480');
    expect(normalisePhone('(613) 555-0199', ['CA'])?.e164).toBe('+16135550199');
    expect(normalisePhone('020 7946 0958', ['GB'])?.e164).toBe('+442079460958');
    // a Canadian number sent to a Costa Rican unit: valid only in the account's default country
    expect(normalisePhone('613-555-6135', ['CR', 'CA'])?.e164).toBe('+16135556135');
    expect(normalisePhone('6135556135')).toEqual({ stored: '6135556135' }); // national, no country known
    expect(normalisePhone(' call the desk ')).toEqual({ stored: 'call the desk' });
    expect(normalisePhone('+46 70 111')).toEqual({ stored: '+46 70 111' });
  });

  it('North American numbers written every usual way give what libphonenumber-js gives', () => {
    const random = digits(42);
    const next = (n: number) => Array.from({ length: n }, () => random.next().value).join('');
    const forms = (d: string) => [
      d,
      `1${d}`,
      `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
      `(${d.slice(0, 3)}) ${d.slice(3, 6)} ${d.slice(6)}`,
      `+1${d}`,
      `+1 ${d.slice(0, 3)} ${d.slice(3)}`,
      `001${d}`,
      `1 ${d}`,
    ];
    let compared = 0;
    for (let i = 0; i < 300; i++) {
      const ten = next(10);
      for (const raw of [...forms(ten), next(9), next(11), `1${next(9)}`, next(7)]) {
        for (const countries of [['CA'], ['US'], ['BS', 'CA']] as CountryCode[][]) {
          expect(normalisePhone(raw, countries)?.e164, `${raw} in ${countries}`).toBe(library(raw, countries));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it('country codes from a location: ISO codes in any case or English names', () => {
    expect(countryCode('ca')).toBe('CA');
    expect(countryCode('Sweden')).toBe('SE');
    expect(countryCode('Atlantis')).toBeUndefined();
    // Two letters but no country libphonenumber-js reads (it throws on these): none.
    expect(countryCode('ZZ')).toBeUndefined();
    expect(countryCode('c1')).toBeUndefined();
    expect(countryCode('')).toBeUndefined();
  });
});
