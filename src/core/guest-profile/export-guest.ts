import type { Db } from '../../db/database.js';
import { guestChatSessions, guestChatTimeline } from '../chat/guest-chat.js';
import { answersOfDocuments, guestAnswerDocumentsTimeline } from '../feedback/guest-feedback.js';
import { listGuestKeys } from '../guests/guest-keys.js';
import { listGuestRevisions } from '../guests/guest-revisions.js';
import { findGuest, findGuestsByIds, guestIdsMergedInto } from '../guests/guests.js';
import { listGuestMatches } from '../guests/match-records.js';
import { guestJourneyTimeline } from '../journeys/guest-journey.js';
import { guestLoyaltyTimeline } from '../loyalty/guest-loyalty.js';
import { findMember } from '../loyalty/members.js';
import { guestMergesTimeline } from '../merges/guest-merges.js';
import { guestMessagesTimeline } from '../messaging/guest-messages.js';
import { guestLoopActivitiesTimeline, guestLoopsTimeline } from '../requests/guest-requests.js';
import { notFound } from '../shared/errors.js';
import { guestStaysTimeline } from '../stays/guest-stays.js';

/*
 * Everything held about a guest, module by module (a data-subject access request), read through
 * each module's own functions. Rows as stored; the caller presents them. Secrets are left out:
 * the loyalty password hash and the messages' unsubscribe tokens.
 */

/** The export of the guest `id` names (a merged-away id: its survivor, with the merged guests' rows). */
export async function exportGuest(db: Db, accountId: number, id: number) {
  const guest = await findGuest(db, accountId, id);
  if (!guest) throw notFound(`guest ${id}`);
  const mergedIds = await guestIdsMergedInto(db, accountId, guest.id);
  const guestIds = [guest.id, ...mergedIds];
  const all = { guestIds };
  const [keys, matches, revisions, mergedGuests, stays, journeyEvents, loops, activities, chatSessions, chatEvents, documents, operations, messages, merges] =
    await Promise.all([
      listGuestKeys(db, accountId, guest.id),
      listGuestMatches(db, accountId, guest.id),
      listGuestRevisions(db, accountId, guest.id),
      findGuestsByIds(db, accountId, mergedIds),
      guestStaysTimeline(db, accountId, all),
      guestJourneyTimeline(db, accountId, all),
      guestLoopsTimeline(db, accountId, all),
      guestLoopActivitiesTimeline(db, accountId, all),
      guestChatSessions(db, accountId, guestIds),
      guestChatTimeline(db, accountId, all),
      guestAnswerDocumentsTimeline(db, accountId, all),
      guestLoyaltyTimeline(db, accountId, all),
      guestMessagesTimeline(db, accountId, all),
      guestMergesTimeline(db, accountId, all),
    ]);
  const answers = await answersOfDocuments(
    db,
    accountId,
    documents.map((d) => d.id),
  );
  const members = [];
  for (const guestId of guestIds) {
    const member = await findMember(db, accountId, guestId);
    if (member) {
      const { password_hash, ...rest } = member;
      members.push({ ...rest, has_password: password_hash !== null });
    }
  }
  return {
    guest,
    mergedGuests,
    keys,
    matches,
    revisions,
    stays,
    journeyEvents,
    requests: loops.map((loop) => ({ ...loop, activities: activities.filter((a) => a.loop_id === loop.id) })),
    chat: { sessions: chatSessions, events: chatEvents },
    answerDocuments: documents.map((document) => ({ ...document, answers: answers.get(document.id) ?? [] })),
    loyalty: { members, operations },
    messages: messages.map(({ unsubscribe_token: _token, ...message }) => message),
    merges,
  };
}
