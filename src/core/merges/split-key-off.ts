import type { Guest } from '../../db/schema.js';
import { moveStayChatEvents } from '../chat/chat-sessions.js';
import { reassignAnswerDocuments } from '../feedback/answer-documents.js';
import { reassignGuestKeys } from '../guests/guest-key-moves.js';
import { createGuest } from '../guests/guests.js';
import { recordMatch } from '../guests/match-records.js';
import { reassignJourneyEvents } from '../journeys/journey-events.js';
import { reassignKeyedStays } from '../stays/stays.js';
import type { WriteContext } from '../shared/write-context.js';

export interface KeySplitOff {
  /** the new guest holding the key */
  guest: Guest;
  /** rows moved to it, per table */
  moved: Record<string, number>;
}

/**
 * Gives one external key of `from` to a new guest, with what that key brought: the stay kept under
 * it (stays.source and external_ref = the key) and that stay's journey events, answer documents
 * and chat events (into the new guest's chat session at the same location). The new guest copies
 * the names and language; e-mail and mobile stay with `from`, which keeps matching by them (two
 * guests holding one address would make the next arrival by it ambiguous). The split is recorded
 * as the new guest's match decision ('new', reason 'split'). Run inside the caller's transaction.
 */
export async function splitKeyOff(ctx: WriteContext, from: Guest, source: string, value: string): Promise<KeySplitOff> {
  const { trx: db, accountId, actor } = ctx;
  const guest = await createGuest(ctx, { firstName: from.first_name, lastName: from.last_name, name: from.name, language: from.language });
  const moved: Record<string, number> = {};
  const count = (table: string, rows: unknown[]) => {
    if (rows.length > 0) moved[table] = rows.length;
  };
  count('guest_keys', await reassignGuestKeys(db, accountId, from.id, guest.id, [[source, value]]));
  const stayIds = await reassignKeyedStays(db, accountId, from.id, guest.id, source, value);
  count('stays', stayIds);
  if (stayIds.length) {
    count('journey_events', await reassignJourneyEvents(db, accountId, from.id, guest.id, { stayIds }));
    count('answer_documents', await reassignAnswerDocuments(db, accountId, from.id, guest.id, { stayIds }));
    count('chat_events', await moveStayChatEvents(db, accountId, from.id, guest.id, stayIds));
  }
  await recordMatch(db, accountId, guest.id, { rule: 'new', source: actor, identifier: `${source}:${value}`, reason: 'split' });
  return { guest, moved };
}
