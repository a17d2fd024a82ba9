import { reassignRows } from '../../db/reassign-rows.js';
import type { Db } from '../../db/database.js';
import type { GuestMatch } from '../../db/schema.js';

/** Why an arrival went where it did, when no external key named the guest. */
export interface MatchDecision {
  /** 'email' or 'mobile': matched an existing guest by that value; 'new': a new guest was made */
  rule: 'email' | 'mobile' | 'new';
  /** the face or system that arrived (loop, loopon, admin, ...) */
  source: string;
  /** the value that matched; for 'new', the known value that was not used ('' when none) */
  identifier: string;
  /** for 'new': why the known value was not used (name_conflict, blocked_email, shared_mobile...) */
  reason?: string;
}

/**
 * Records an automatic decision for the admin API to show with the guest. The same decision again
 * (a resent invite, a stay updated by the same PMS) counts up instead of adding a row.
 */
export async function recordMatch(db: Db, accountId: number, guestId: number, decision: MatchDecision, now = Date.now()): Promise<void> {
  await db
    .insertInto('guest_matches')
    .values({
      account_id: accountId,
      guest_id: guestId,
      rule: decision.rule,
      source: decision.source,
      identifier: decision.identifier,
      reason: decision.reason ?? null,
      count: 1,
      first_at: now,
      last_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['account_id', 'guest_id', 'rule', 'source', 'identifier']).doUpdateSet((eb) => ({
        count: eb('guest_matches.count', '+', 1),
        last_at: now,
        reason: decision.reason ?? null,
      })),
    )
    .execute();
}

/** A guest's recorded decisions, latest first. */
export async function listGuestMatches(db: Db, accountId: number, guestId: number): Promise<GuestMatch[]> {
  return db
    .selectFrom('guest_matches')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', '=', guestId)
    .orderBy('last_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
}

/**
 * Gives `from`'s recorded match decisions (or only `ids`) to `to`, for a guest merge or its
 * undoing; a decision `to` already holds (same rule, source and identifier) stays put, since the
 * table is one row per decision and guest. Returns the ids moved.
 */
export async function reassignGuestMatches(db: Db, accountId: number, from: number, to: number, ids?: readonly number[]): Promise<number[]> {
  return reassignRows(db, { table: 'guest_matches', column: 'guest_id', accountId, from, to, ids, keepTwinsOn: ['rule', 'source', 'identifier'] });
}
