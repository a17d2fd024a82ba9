import type { Db } from '../../db/database.js';
import { guestChatTimeline } from '../chat/guest-chat.js';
import { guestAnswerDocumentsTimeline } from '../feedback/guest-feedback.js';
import { guestJourneyTimeline } from '../journeys/guest-journey.js';
import { guestLoyaltyTimeline } from '../loyalty/guest-loyalty.js';
import { guestMergesTimeline, guestSplitsTimeline } from '../merges/guest-merges.js';
import { guestMessagesTimeline } from '../messaging/guest-messages.js';
import { guestLoopActivitiesTimeline, guestLoopsTimeline } from '../requests/guest-requests.js';
import { badRequest } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';
import type { TimelineWindow } from '../shared/timeline-window.js';
import { guestStaysTimeline } from '../stays/guest-stays.js';

/*
 * One timeline of a guest across every module: stays, journey events (stay status changes among
 * them), requests and their activities, chat events, answer documents, loyalty operations,
 * messages with their delivery state, merges and splits. Each module reads its own rows through
 * its own function (the table ownership rule); this module only merges them.
 *
 * Order: time desc, then the part's rank desc, then the row id desc, a total order, so the cursor
 * (time, rank, id of the last item shown) pages without gaps or repeats even when items share a time.
 */

export type TimelineKind =
  | 'stay'
  | 'stay.status_changed'
  | 'journey.event'
  | 'request'
  | 'request.activity'
  | 'chat.message'
  | 'chat.event'
  | 'survey.answer'
  | 'review'
  | 'loyalty.operation'
  | 'message'
  | 'guest.merged'
  | 'guest.split';

export type TimelineRefType =
  | 'stay'
  | 'journey_event'
  | 'request'
  | 'request_activity'
  | 'chat_event'
  | 'answer_document'
  | 'loyalty_operation'
  | 'message'
  | 'merge';

export interface TimelineItem {
  /** epoch ms */
  at: number;
  kind: TimelineKind;
  summary: string;
  ref: { type: TimelineRefType; id: number };
  data: Record<string, unknown>;
}

export interface TimelinePage {
  items: TimelineItem[];
  /** pass as `before` for the next page; null on the last page */
  next: string | null;
}

type Part = (db: Db, accountId: number, window: TimelineWindow) => Promise<Array<{ item: TimelineItem; id: number }>>;

const clip = (text: unknown, max = 140): string => {
  const s = typeof text === 'string' ? text.replace(/\s+/g, ' ').trim() : '';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

/** The parts in rank order (1 = first); a part's rank breaks ties of time between parts. */
const PARTS: Part[] = [
  async (db, accountId, w) =>
    (await guestStaysTimeline(db, accountId, w)).map((s) => ({
      id: s.id,
      item: {
        at: s.created_at,
        kind: 'stay',
        summary: `Stay ${s.checkin_date ?? '?'} to ${s.checkout_date ?? '?'}${s.room ? `, room ${s.room}` : ''} (${s.status})`,
        ref: { type: 'stay', id: s.id },
        data: { locationId: s.location_id, status: s.status, checkinDate: s.checkin_date, checkoutDate: s.checkout_date, room: s.room, source: s.source },
      },
    })),
  async (db, accountId, w) =>
    (await guestJourneyTimeline(db, accountId, w)).map((e) => {
      const payload = parseJson<Record<string, unknown>>(e.payload, {});
      const statusChange = e.type === 'stay.status_changed';
      return {
        id: e.id,
        item: {
          at: e.occurred_at,
          kind: statusChange ? 'stay.status_changed' : 'journey.event',
          summary: statusChange ? `Stay status ${String(payload.from ?? '?')} → ${String(payload.to ?? '?')}` : `Journey event ${e.type}`,
          ref: { type: 'journey_event', id: e.id },
          data: { type: e.type, stayId: e.stay_id, source: e.source, payload },
        },
      };
    }),
  async (db, accountId, w) =>
    (await guestLoopsTimeline(db, accountId, w)).map((l) => ({
      id: l.id,
      item: {
        at: l.created_at,
        kind: 'request',
        summary: `Request: ${clip(l.title ?? l.description) || 'untitled'} (${l.state})`,
        ref: { type: 'request', id: l.id },
        data: { locationId: l.location_id, state: l.state, title: l.title, description: l.description, source: l.source },
      },
    })),
  async (db, accountId, w) =>
    (await guestLoopActivitiesTimeline(db, accountId, w)).map((a) => ({
      id: a.id,
      item: {
        at: a.occurred_at,
        kind: 'request.activity',
        summary: `Request ${a.loop_id}: ${a.type}${a.person_name ? ` by ${a.person_name}` : ''}`,
        ref: { type: 'request_activity', id: a.id },
        data: { requestId: a.loop_id, type: a.type, personKind: a.person_kind, personName: a.person_name, data: parseJson<unknown>(a.data, {}) },
      },
    })),
  async (db, accountId, w) =>
    (await guestChatTimeline(db, accountId, w)).map((e) => {
      const payload = parseJson<Record<string, unknown>>(e.payload, {});
      const message = e.type === 'chatMessage';
      return {
        id: e.id,
        item: {
          at: e.created_at,
          kind: message ? 'chat.message' : 'chat.event',
          summary: message ? `Chat (${e.author ?? '?'}): ${clip(payload.text ?? payload.message)}` : `Chat event ${e.type}`,
          ref: { type: 'chat_event', id: e.id },
          data: { sessionId: e.session_id, locationId: e.location_id, type: e.type, author: e.author, readAt: e.read_at, payload },
        },
      };
    }),
  async (db, accountId, w) =>
    (await guestAnswerDocumentsTimeline(db, accountId, w)).map((d) => ({
      id: d.id,
      item: {
        at: d.received_at,
        kind: d.source === 'reputation' ? 'review' : 'survey.answer',
        summary: d.source === 'reputation' ? `Review on ${d.reputation_source ?? 'a review site'}` : `Survey answered (${d.source})`,
        ref: { type: 'answer_document', id: d.id },
        data: {
          evaluationId: d.evaluation_id,
          locationId: d.location_id,
          stayId: d.stay_id,
          source: d.source,
          status: d.status,
          checkoutDate: d.checkout_date,
        },
      },
    })),
  async (db, accountId, w) =>
    (await guestLoyaltyTimeline(db, accountId, w)).map((o) => ({
      id: o.id,
      item: {
        at: o.created_at,
        kind: 'loyalty.operation',
        summary: `Loyalty ${o.kind} ${o.points > 0 ? '+' : ''}${o.points} points${o.concept ? `: ${clip(o.concept)}` : ''}`,
        ref: { type: 'loyalty_operation', id: o.id },
        data: { kind: o.kind, code: o.code, points: o.points, concept: o.concept, productId: o.product_id, expiresAt: o.expires_at },
      },
    })),
  async (db, accountId, w) =>
    (await guestMessagesTimeline(db, accountId, w)).map((m) => ({
      id: m.id,
      item: {
        at: m.created_at,
        kind: 'message',
        summary: `${m.channel === 'sms' ? 'SMS' : 'E-mail'} "${m.template}" ${m.delivery_status ?? m.status}`,
        ref: { type: 'message', id: m.id },
        data: {
          channel: m.channel,
          template: m.template,
          recipient: m.recipient,
          subject: m.subject,
          status: m.status,
          deliveryStatus: m.delivery_status,
          sentAt: m.sent_at,
          lastError: m.last_error,
        },
      },
    })),
  async (db, accountId, w) =>
    (await guestMergesTimeline(db, accountId, w)).map((m) => ({
      id: m.id,
      item: {
        at: m.created_at,
        kind: 'guest.merged',
        summary: `Guest ${m.merged_id} merged into ${m.survivor_id}`,
        ref: { type: 'merge', id: m.id },
        data: { survivorId: m.survivor_id, mergedId: m.merged_id, actor: m.actor, splitAt: m.split_at },
      },
    })),
  async (db, accountId, w) =>
    (await guestSplitsTimeline(db, accountId, w)).map((m) => ({
      id: m.id,
      item: {
        at: m.split_at,
        kind: 'guest.split',
        summary: `Guest ${m.merged_id} split off ${m.survivor_id} again`,
        ref: { type: 'merge', id: m.id },
        data: { survivorId: m.survivor_id, mergedId: m.merged_id },
      },
    })),
];

const MAX_ID = Number.MAX_SAFE_INTEGER;

/** A cursor as `<at>-<rank>-<id>`; a 400 when it is not one. */
export function readTimelineCursor(text: string): { at: number; rank: number; id: number } {
  const m = /^(\d{1,16})-(\d{1,2})-(\d{1,16})$/.exec(text);
  const [at, rank, id] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (!m || rank! < 1 || rank! > PARTS.length) throw badRequest('before must be the `next` cursor of an earlier page');
  return { at: at!, rank: rank!, id: id! };
}

/** One page of a guest's timeline, newest first, after the cursor `before` (a `next` of an earlier page). */
export async function readGuestTimeline(db: Db, accountId: number, guestIds: number[], before: string | undefined, limit: number): Promise<TimelinePage> {
  const cursor = before === undefined ? undefined : readTimelineCursor(before);
  const parts = await Promise.all(
    PARTS.map(async (read, index) => {
      const rank = index + 1;
      const window: TimelineWindow = { guestIds, limit: limit + 1 };
      if (cursor) window.before = { at: cursor.at, id: rank < cursor.rank ? MAX_ID : rank > cursor.rank ? 0 : cursor.id };
      return (await read(db, accountId, window)).map((row) => ({ ...row, rank }));
    }),
  );
  const all = parts.flat().sort((a, b) => b.item.at - a.item.at || b.rank - a.rank || b.id - a.id);
  const page = all.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map((p) => p.item), next: all.length > limit && last ? `${last.item.at}-${last.rank}-${last.id}` : null };
}

/** Every item of a guest's timeline, newest first (for exports). */
export async function readWholeTimeline(db: Db, accountId: number, guestIds: number[]): Promise<TimelineItem[]> {
  const parts = await Promise.all(PARTS.map(async (read, index) => (await read(db, accountId, { guestIds })).map((row) => ({ ...row, rank: index + 1 }))));
  return parts
    .flat()
    .sort((a, b) => b.item.at - a.item.at || b.rank - a.rank || b.id - a.id)
    .map((p) => p.item);
}
