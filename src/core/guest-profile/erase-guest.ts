import { eraseGuestChat } from '../chat/guest-chat.js';
import { recordEvent } from '../events/record-event.js';
import { anonymiseGuestAnswerDocuments } from '../feedback/guest-feedback.js';
import { deleteGuest } from '../guests/guest-keys.js';
import { guestWasRemoved } from '../guests/guest-revisions.js';
import { findGuest, guestIdsMergedInto } from '../guests/guests.js';
import { eraseGuestRuleFirings } from '../journeys/guest-journey.js';
import { eraseGuestLoyalty } from '../loyalty/guest-loyalty.js';
import { findMember } from '../loyalty/members.js';
import { eraseGuestMessages } from '../messaging/guest-messages.js';
import { eraseGuestLoops } from '../requests/guest-requests.js';
import { AppError, notFound } from '../shared/errors.js';
import type { WriteContext } from '../shared/write-context.js';

/*
 * Erasure of a guest (a data-subject request), in the caller's one transaction: every module
 * removes or anonymises what it holds through its own function, then the guest row goes (its keys,
 * stays, journey, matches, merges and revisions with it) leaving a tombstone, so every face answers
 * its ids as it answers a deleted guest. Answers stay, anonymised, so the statistics do not change.
 */

export interface ErasureResult {
  /** the guest erased (a merged-away id erases its survivor: the same person) */
  guestId: number;
  /** false: nothing was left to erase (erased or deleted before) */
  erased: boolean;
  guestIds: number[];
  /** rows removed or anonymised, per kind */
  removed: Record<string, number>;
}

/** Erases the guest `id` names; a 409 (nothing changes) while a loyalty member holds points, unless `force`. */
export async function eraseGuest(ctx: WriteContext, id: number, options: { force: boolean; now?: number }): Promise<ErasureResult> {
  const { trx, accountId } = ctx;
  const now = options.now ?? Date.now();
  const guest = await findGuest(trx, accountId, id);
  if (!guest) {
    if (await guestWasRemoved(trx, accountId, id)) return { guestId: id, erased: false, guestIds: [], removed: {} };
    throw notFound(`guest ${id}`);
  }
  const guestIds = [guest.id, ...(await guestIdsMergedInto(trx, accountId, guest.id))];
  for (const guestId of guestIds) {
    const member = await findMember(trx, accountId, guestId);
    if (member && member.points > 0 && !options.force) {
      throw new AppError(
        'loyalty_balance',
        409,
        `guest ${guest.id} is a loyalty member with a balance of ${member.points} points: redeem or adjust the balance to 0 first, ` +
          'or erase with ?force=true to give the points up',
        { points: member.points },
      );
    }
  }
  const loops = await eraseGuestLoops(trx, accountId, guestIds);
  const loyalty = await eraseGuestLoyalty(trx, accountId, guestIds);
  const removed: Record<string, number> = {
    answerDocumentsAnonymised: await anonymiseGuestAnswerDocuments(trx, accountId, guestIds, now),
    requests: loops.loops,
    requestActivitiesAnonymised: loops.activitiesAnonymised,
    chatSessions: await eraseGuestChat(trx, accountId, guestIds),
    messages: await eraseGuestMessages(trx, accountId, guestIds),
    ruleFirings: await eraseGuestRuleFirings(trx, accountId, guestIds),
    loyaltyMembers: loyalty.members,
    loyaltyOperations: loyalty.operations,
    guests: guestIds.length,
  };
  await deleteGuest(trx, accountId, guest.id);
  await recordEvent(ctx, { type: 'guest.erased', subjects: { guestId: guest.id }, data: { id: guest.id, guestIds, removed }, at: now });
  return { guestId: guest.id, erased: true, guestIds, removed };
}
