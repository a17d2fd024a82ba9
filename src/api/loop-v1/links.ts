import type { Db } from '../../db/database.js';
import type { Config } from '../../config/config.js';
import { pageLinkAccount, signPageLink } from '../../core/accounts/page-links.js';
import { encodeId } from './ids.js';

/* The URLs the Loop face hands out: they open guest pages served by pages/pages.ts. */

/** The page of a loop, where the guest follows their request. */
export async function loopPageUrl(db: Db, config: Config, accountId: number, loopId: number): Promise<string> {
  const { slug, secret } = await pageLinkAccount(db, accountId);
  const id = encodeId('loop', loopId);
  return `${config.publicUrl}/loop/p/${slug}/loops/${id}?sig=${signPageLink(secret, `loop:${id}`)}`;
}

/** The invite page: a form to open a loop at a location, personalised when a guest is known. */
export async function invitePageUrl(db: Db, config: Config, accountId: number, locationShortcode: string, guestId?: number): Promise<string> {
  const { slug, secret } = await pageLinkAccount(db, accountId);
  const base = `${config.publicUrl}/loop/p/${slug}/create/${encodeURIComponent(locationShortcode)}`;
  if (guestId === undefined) return base;
  const uid = encodeId('guest', guestId);
  return `${base}?_uid=${uid}&sig=${signPageLink(secret, `guest:${uid}`)}`;
}
