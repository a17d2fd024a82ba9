import type { Db } from '../../db/database.js';
import { sharedChatLocation } from '../chat/chat-sessions.js';
import { loyaltyMergeRefusal } from '../loyalty/member-moves.js';

/*
 * What must stay single per guest, so that two guests holding one each cannot be merged until
 * someone resolves it. Each check asks the module owning those rows about both guests and returns
 * what to resolve first, or undefined. A module whose rows are unique per guest (loyalty
 * memberships...) adds its check to MERGE_CHECKS; mergeGuests runs them all before it changes anything.
 */

export type MergeCheck = (db: Db, accountId: number, survivorId: number, otherId: number) => Promise<string | undefined>;

/** chat_sessions is unique per guest and location: one session each at one location cannot become one. */
const chatSessionsAtOneLocation: MergeCheck = async (db, accountId, survivorId, otherId) => {
  const locationId = await sharedChatLocation(db, accountId, survivorId, otherId);
  return locationId !== undefined ? `both guests have a chat session at location ${locationId}; close or move one first` : undefined;
};

export const MERGE_CHECKS: readonly MergeCheck[] = [chatSessionsAtOneLocation, loyaltyMergeRefusal];

/** The first thing that keeps the two guests from being merged, or undefined when nothing does. */
export async function mergeRefusal(db: Db, accountId: number, survivorId: number, otherId: number): Promise<string | undefined> {
  for (const check of MERGE_CHECKS) {
    const refusal = await check(db, accountId, survivorId, otherId);
    if (refusal) return refusal;
  }
  return undefined;
}
