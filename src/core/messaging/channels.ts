/** The channels a message goes out on; e-mail is sent now, SMS and chat come with their adapters. */
export const CHANNELS = ['email'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** A language tag as templates are keyed: lower case, e.g. en, sv, pt-br. */
export const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/;

export function normaliseLanguage(value: string): string {
  return value.trim().toLowerCase().replace(/_/g, '-');
}

/** The languages to look for, best first: the guest's (sv-se), its base (sv), then the fallback. */
export function languageChain(guestLanguage: string | null | undefined, fallback: string): string[] {
  const chain: string[] = [];
  if (guestLanguage) {
    const tag = normaliseLanguage(guestLanguage);
    chain.push(tag);
    const base = tag.split('-')[0];
    if (base !== tag) chain.push(base);
  }
  chain.push(normaliseLanguage(fallback));
  return [...new Set(chain)];
}
