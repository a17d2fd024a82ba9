import type { Db } from '../../db/database.js';
import type { Guest } from '../../db/schema.js';
import { ensureChatSession } from '../chat/chat-sessions.js';
import { createGuest } from '../guests/guests.js';
import { recordMatch } from '../guests/match-records.js';

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
export async function splitKeyOff(db: Db, accountId: number, from: Guest, source: string, value: string, actor: string): Promise<KeySplitOff> {
  const guest = await createGuest(db, accountId, { firstName: from.first_name, lastName: from.last_name, name: from.name, language: from.language });
  const moved: Record<string, number> = {};
  const count = (table: string, n: number | bigint | undefined) => {
    if (Number(n ?? 0) > 0) moved[table] = Number(n);
  };
  const key = await db
    .updateTable('guest_keys')
    .set({ guest_id: guest.id })
    .where('account_id', '=', accountId)
    .where('source', '=', source)
    .where('key', '=', value)
    .where('guest_id', '=', from.id)
    .executeTakeFirst();
  count('guest_keys', key.numUpdatedRows);
  const stays = await db
    .updateTable('stays')
    .set({ guest_id: guest.id })
    .where('account_id', '=', accountId)
    .where('source', '=', source)
    .where('external_ref', '=', value)
    .where('guest_id', '=', from.id)
    .returning('id')
    .execute();
  count('stays', stays.length);
  const stayIds = stays.map((s) => Number(s.id));
  if (stayIds.length) {
    for (const table of ['journey_events', 'answer_documents'] as const) {
      const result = await db
        .updateTable(table)
        .set({ guest_id: guest.id })
        .where('account_id', '=', accountId)
        .where('guest_id', '=', from.id)
        .where('stay_id', 'in', stayIds)
        .executeTakeFirst();
      count(table, result.numUpdatedRows);
    }
    count('chat_events', await moveChatEvents(db, accountId, from.id, guest.id, stayIds));
  }
  await recordMatch(db, accountId, guest.id, { rule: 'new', source: actor, identifier: `${source}:${value}`, reason: 'split' });
  return { guest, moved };
}

/** The stays' chat events of `fromId`'s sessions, into `toId`'s session at the same location. */
async function moveChatEvents(db: Db, accountId: number, fromId: number, toId: number, stayIds: number[]): Promise<number> {
  const events = await db
    .selectFrom('chat_events')
    .innerJoin('chat_sessions', 'chat_sessions.id', 'chat_events.session_id')
    .select(['chat_events.id', 'chat_sessions.location_id', 'chat_sessions.language'])
    .where('chat_events.account_id', '=', accountId)
    .where('chat_events.stay_id', 'in', stayIds)
    .where('chat_sessions.guest_id', '=', fromId)
    .execute();
  const byLocation = new Map<number, { language: string | null; ids: number[] }>();
  for (const event of events) {
    const entry = byLocation.get(event.location_id) ?? { language: event.language, ids: [] };
    entry.ids.push(Number(event.id));
    byLocation.set(event.location_id, entry);
  }
  for (const [locationId, { language, ids }] of byLocation) {
    const session = await ensureChatSession(db, accountId, toId, locationId, language);
    await db.updateTable('chat_events').set({ session_id: session.id }).where('account_id', '=', accountId).where('id', 'in', ids).execute();
  }
  return events.length;
}
