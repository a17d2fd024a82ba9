import type { Db } from '../../db/database.js';
import type { Config } from '../../config/config.js';
import { pageLinkAccount, signPageLink } from '../../core/accounts/page-links.js';
import { encodeId } from './ids.js';
import { loopIdOf } from './face-ids.js';

/*
 * The URLs the Loop face hands out: they open guest pages served by pages/pages.ts. Every one is
 * signed with the account's page secret; the subjects below are what the signature covers, and
 * pages.ts checks the same subjects.
 */

/** What a loop page's signature covers: the loop. */
export const loopLinkSubject = (loopId: string) => `loop:${loopId}`;
/** What a personal invite's signature covers: the guest (any location of the account). */
export const guestLinkSubject = (guestUid: string) => `guest:${guestUid}`;
/** What a generic invite's signature covers: the account and the location shortcode (or `any`). */
export const inviteLinkSubject = (slug: string, shortcode: string) => `invite:${slug}:${shortcode}`;

/** The page of a loop, where the guest follows their request. */
export async function loopPageUrl(db: Db, config: Config, accountId: number, loopId: number): Promise<string> {
  const { slug, secret } = await pageLinkAccount(db, accountId);
  const id = encodeId('loop', loopId);
  return `${config.publicUrl}/loop/p/${slug}/loops/${id}?sig=${signPageLink(secret, loopLinkSubject(id))}`;
}

/**
 * The invite page: a form to open a loop at a location (a shortcode, or `any` for all of them),
 * personalised when a guest is known. A generic link is signed too, so that an account's slug and
 * locations cannot be found or used by guessing URLs.
 */
export async function invitePageUrl(
  db: Db,
  config: Config,
  accountId: number,
  locationShortcode: string,
  guest?: { id: number; loop_id: string | null },
): Promise<string> {
  const { slug, secret } = await pageLinkAccount(db, accountId);
  const base = `${config.publicUrl}/loop/p/${slug}/create/${encodeURIComponent(locationShortcode)}`;
  if (guest === undefined) return `${base}?sig=${signPageLink(secret, inviteLinkSubject(slug, locationShortcode))}`;
  const uid = loopIdOf('guest', guest);
  return `${base}?_uid=${uid}&sig=${signPageLink(secret, guestLinkSubject(uid))}`;
}
