import { api, query } from '../../api';
import type { GuestList } from '../../types';

/** What a search box text asks for: an e-mail, a phone number, else a part of a name. */
export function guestQuery(text: string): Record<string, string> {
  const q = text.trim();
  if (q.includes('@')) return { email: q };
  if (/^\+?[\d\s().-]{5,}$/.test(q)) return { mobile: q };
  return { name: q };
}

/** Guests matching a search box text (the admin guests API: e-mail and mobile exact, name a part). */
export async function searchGuests(text: string, limit = 50): Promise<GuestList> {
  return api<GuestList>('GET', `/guests${query({ ...guestQuery(text), limit })}`);
}
