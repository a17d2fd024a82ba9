import type { Db } from '../../db/database.js';
import { reassignChatSessions } from '../chat/chat-sessions.js';
import { reassignAnswerDocuments } from '../feedback/answer-documents.js';
import { reassignGuestKeys } from '../guests/guest-key-moves.js';
import { reassignMergedInto } from '../guests/guest-merge-state.js';
import { reassignGuestMatches } from '../guests/match-records.js';
import { reassignJourneyEvents } from '../journeys/journey-events.js';
import { reassignLoopActivityPerson, reassignLoopCreator } from '../requests/loops.js';
import { reassignGuestStays } from '../stays/stays.js';
import { reassignLoyaltyMember, reassignLoyaltyOperations } from '../loyalty/member-moves.js';

/*
 * Every row that belongs to a guest: what a merge moves to the survivor and what undoing it gives
 * back. Each move is a function of the module owning the table (a module writes only its own
 * tables); a module whose table holds a guest id adds one entry to GUEST_LINKS, and, when its rows
 * must stay single per guest, a check to merge-checks.ts. Nothing else changes.
 */

/** What moved: external keys as [source, key], and the ids of every other table's rows (the JSON of guest_merges.moved). */
export interface MovedRows {
  guest_keys?: Array<[string, string]>;
  [table: string]: number[] | Array<[string, string]> | undefined;
}

type Rows = number[] | Array<[string, string]>;

interface GuestLink {
  /** the table, as `moved` names it */
  name: string;
  /** moves every row of `from` to `to`; returns what moved */
  move(db: Db, accountId: number, from: number, to: number): Promise<Rows>;
  /** moves `rows` still on `from` to `to`; returns what moved */
  moveBack(db: Db, accountId: number, from: number, to: number, rows: Rows): Promise<Rows>;
}

type Reassign = (db: Db, accountId: number, from: number, to: number, ids?: readonly number[]) => Promise<number[]>;

/** A table whose rows are named by id. */
const byId = (name: string, reassign: Reassign): GuestLink => ({
  name,
  move: (db, accountId, from, to) => reassign(db, accountId, from, to),
  moveBack: (db, accountId, from, to, ids) => reassign(db, accountId, from, to, ids as number[]),
});

export const GUEST_LINKS: readonly GuestLink[] = [
  {
    name: 'guest_keys',
    move: (db, accountId, from, to) => reassignGuestKeys(db, accountId, from, to),
    moveBack: (db, accountId, from, to, pairs) => reassignGuestKeys(db, accountId, from, to, pairs as Array<[string, string]>),
  },
  byId('stays', reassignGuestStays),
  byId('journey_events', (db, accountId, from, to, ids) => reassignJourneyEvents(db, accountId, from, to, { ids })),
  byId('loops', reassignLoopCreator),
  byId('loop_activities', reassignLoopActivityPerson),
  byId('answer_documents', (db, accountId, from, to, ids) => reassignAnswerDocuments(db, accountId, from, to, { ids })),
  // unique per guest and location: merge-checks.ts refuses a merge where both have one
  byId('chat_sessions', reassignChatSessions),
  // one row per decision and guest: the survivor's own row already tells that decision
  byId('guest_matches', reassignGuestMatches),
  // single per guest: merge-checks.ts refuses a merge of two guests both in the programme
  byId('loyalty_members', reassignLoyaltyMember),
  byId('loyalty_operations', reassignLoyaltyOperations),
  // guests merged into the one that is merged away now: they follow, so a merged id is one step
  // from its survivor
  byId('guests', reassignMergedInto),
];

/** Moves every key and linked row of guest `fromId` to `toId`; returns exactly what moved. */
export async function moveGuestRows(db: Db, accountId: number, fromId: number, toId: number): Promise<MovedRows> {
  const moved: MovedRows = {};
  for (const link of GUEST_LINKS) {
    const rows = await link.move(db, accountId, fromId, toId);
    if (rows.length) moved[link.name] = rows;
  }
  return moved;
}

/**
 * Moves back what `moved` lists from `fromId` (the survivor) to `toId` (the merged guest): only
 * rows still on `fromId`; what went elsewhere since stays where it is. Returns the count per table.
 */
export async function moveGuestRowsBack(db: Db, accountId: number, moved: MovedRows, fromId: number, toId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const link of GUEST_LINKS) {
    const rows = moved[link.name];
    if (!rows?.length) continue;
    counts[link.name] = (await link.moveBack(db, accountId, fromId, toId, rows)).length;
  }
  return counts;
}

/** How many rows of each table `moved` lists. */
export function countMoved(moved: MovedRows): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [table, rows] of Object.entries(moved)) if (Array.isArray(rows) && rows.length) out[table] = rows.length;
  return out;
}
