/** The channels a message goes out on: e-mail (SMTP) and SMS (Twilio); chat comes with its adapter. */
export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** A language tag as templates are keyed: lower case, e.g. en, sv, pt-br. */
export const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/;

/** Who the channel reaches: the guest's e-mail address or mobile number (E.164). */
export function recipientOf(channel: Channel, guest: { email: string | null; mobile: string | null }): string | null {
  return channel === 'sms' ? guest.mobile : guest.email;
}

/** What the guest lacks to be reached on the channel, as a rule's explanation says it. */
export const missingRecipient = (channel: Channel) => (channel === 'sms' ? 'the guest has no mobile number' : 'the guest has no e-mail address');

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
