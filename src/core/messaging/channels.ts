/** The channels a message goes out on: e-mail (SMTP), SMS (Twilio) and the guest's chat session (core/chat). */
export const CHANNELS = ['email', 'sms', 'chat'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** A language tag as templates are keyed: lower case, e.g. en, sv, pt-br. */
export const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/;

/**
 * Who the channel reaches: the guest's e-mail address or mobile number (E.164), or for chat the
 * guest's session at a location (`location:<id>`: the chat sender finds or opens it).
 */
export function recipientOf(channel: Channel, guest: { email: string | null; mobile: string | null }, locationId?: number | null): string | null {
  if (channel === 'chat') return locationId ? chatRecipient(locationId) : null;
  return channel === 'sms' ? guest.mobile : guest.email;
}

export const chatRecipient = (locationId: number) => `location:${locationId}`;
/** The location of a chat message's recipient (chatRecipient), or undefined. */
export function chatRecipientLocation(recipient: string): number | undefined {
  const m = /^location:([1-9][0-9]{0,15})$/.exec(recipient);
  return m ? Number(m[1]) : undefined;
}

/** What the guest lacks to be reached on the channel, as a rule's explanation says it. */
export const missingRecipient = (channel: Channel) =>
  channel === 'chat'
    ? 'the event names no location (a chat session is per location)'
    : channel === 'sms'
      ? 'the guest has no mobile number'
      : 'the guest has no e-mail address';

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
