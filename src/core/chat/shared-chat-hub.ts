import { randomUUID } from 'node:crypto';
import { isPostgres, type Db } from '../../db/database.js';
import { notifyAll, onNoticeChannel } from '../../db/notices.js';
import { findLoops, listLoopsChangedSince } from '../requests/loops.js';
import { findStoredChatEvent, listAccountChangesSince } from './chat-events.js';
import { createInProcessChatHub, type ChatHub, type ChatHubMessage, type LocalChatHub, type RequestChange } from './chat-hub.js';

/*
 * The hub of one instance among several on one PostgreSQL database. What is published here is
 * delivered here at once and announced to the others (ids only; a typing indicator, which is never
 * stored, as it is); what another instance announces is loaded and delivered to this instance's
 * sockets, in the order announced. When the LISTEN connection was lost (db/notices.ts reconnects
 * with backoff), notices sent meanwhile are gone: the hub then reads from the tables what changed
 * since shortly before the loss, for every account that has sockets here, and delivers what it has
 * not delivered yet (each chat event version and request version once).
 */

/** The LISTEN/NOTIFY channel of the fan-out between instances (db/notices.ts). */
export const CHAT_CHANNEL = 'openstay_chat';
/** Notices are at most 8,000 bytes; a typing indicator larger than this is relayed here only. */
const MAX_NOTICE_BYTES = 7_000;
/**
 * How far before the loss of the connection a catch-up reads: a change is stamped when its
 * transaction starts and announced when it commits, and instances' clocks differ a little.
 */
export const CATCH_UP_MARGIN_MS = 15_000;
/** What was delivered is remembered this long (well past the margin) to deliver nothing twice. */
const REMEMBER_MS = 4 * CATCH_UP_MARGIN_MS;
/** At most this many chat events and requests per account are read by one catch-up. */
const CATCH_UP_LIMIT = 5_000;

type ChatNotice =
  | { from: string; kind: 'event'; accountId: number; sessionId: number; locationId: number; eventId: number }
  | { from: string; kind: 'request'; accountId: number; requestId: number; change: RequestChange }
  | ({ from: string } & Extract<ChatHubMessage, { kind: 'typing' }>)
  | ({ from: string } & Extract<ChatHubMessage, { kind: 'inbox' }>);

export interface SharedChatHub extends ChatHub {
  /** stops hearing other instances, and resolves once the notices already published have left */
  close(): Promise<void>;
}

/** The identity of what a message delivers, for de-duplication; undefined: never de-duplicated (typing). */
function versionOf(message: ChatHubMessage): string | undefined {
  if (message.kind === 'event') return `e:${message.accountId}:${message.event.id}:${message.event.seq}`;
  if (message.kind === 'request') {
    const r = message.request;
    return `r:${message.accountId}:${r.id}:${r.updated_at}:${r.last_viewed_at}:${r.activities.length}:${r.state}:${r.creator_guest_id}`;
  }
  return undefined;
}

export function createSharedChatHub(db: Db, local: LocalChatHub, onError: (err: unknown) => void = () => {}): SharedChatHub {
  const self = randomUUID();
  let order = Promise.resolve();
  // version -> when it was delivered; insertion order is time order, so old entries leave first
  const delivered = new Map<string, number>();
  const deliverOnce = (message: ChatHubMessage) => {
    const version = versionOf(message);
    if (version !== undefined) {
      if (delivered.has(version)) return;
      const now = Date.now();
      delivered.set(version, now);
      for (const [key, at] of delivered) {
        if (at > now - REMEMBER_MS) break;
        delivered.delete(key);
      }
    }
    local.publish(message);
  };

  const receive = async (payload: string) => {
    const notice = JSON.parse(payload) as ChatNotice;
    if (notice.from === self) return;
    if (notice.kind === 'typing' || notice.kind === 'inbox') {
      // never stored as such (typing) or small and self-contained (an inbox change): relayed as it is
      const { from: _from, ...relayed } = notice;
      local.publish(relayed as ChatHubMessage);
    } else if (notice.kind === 'request') {
      const [request] = await findLoops(db, notice.accountId, [notice.requestId]);
      if (request) deliverOnce({ kind: 'request', accountId: notice.accountId, change: notice.change, request });
    } else {
      const event = await findStoredChatEvent(db, notice.accountId, notice.eventId);
      if (event) deliverOnce({ kind: 'event', accountId: notice.accountId, sessionId: notice.sessionId, locationId: notice.locationId, event });
    }
  };

  /** Delivers from the tables what changed since `since` for the accounts with sockets here. */
  const catchUp = async (since: number) => {
    const { sessions, accounts } = local.listening();
    for (const accountId of new Set([...sessions, ...accounts])) {
      for (const { event, locationId } of await listAccountChangesSince(db, accountId, since, CATCH_UP_LIMIT)) {
        deliverOnce({ kind: 'event', accountId, sessionId: event.sessionId, locationId, event });
      }
      if (!accounts.has(accountId)) continue;
      for (const request of await listLoopsChangedSince(db, accountId, since, CATCH_UP_LIMIT)) {
        const opened = request.created_at >= since && request.updated_at === request.created_at && request.activities.length <= 1;
        deliverOnce({ kind: 'request', accountId, change: opened ? 'opened' : 'updated', request });
      }
    }
  };

  // Notices published together (a busy instance) leave in one statement, in order, once per tick:
  // one pool connection and round trip for many messages instead of one each.
  // Batches leave one after the other, so other instances hear them in the order published.
  let outgoing: string[] = [];
  let sending = Promise.resolve();
  const flush = () => {
    const payloads = outgoing;
    outgoing = [];
    sending = sending.then(() => notifyAll(db, CHAT_CHANNEL, payloads)).catch(onError);
  };
  const announce = (payload: string) => {
    if (outgoing.push(payload) === 1) setImmediate(flush);
  };

  const stop = onNoticeChannel(CHAT_CHANNEL, {
    onPayload: (payload) => {
      order = order.then(() => receive(payload)).catch(onError);
    },
    onGap: (lostAt) => {
      // The first connection of the process missed nothing; after a loss, read the tables.
      if (lostAt === undefined) return;
      order = order.then(() => catchUp(lostAt - CATCH_UP_MARGIN_MS)).catch(onError);
    },
  });
  return {
    publish(message) {
      deliverOnce(message);
      const notice: ChatNotice =
        message.kind === 'event'
          ? { from: self, kind: 'event', accountId: message.accountId, sessionId: message.sessionId, locationId: message.locationId, eventId: message.event.id }
          : message.kind === 'request'
            ? { from: self, kind: 'request', accountId: message.accountId, requestId: message.request.id, change: message.change }
            : { from: self, ...message };
      const payload = JSON.stringify(notice);
      if (Buffer.byteLength(payload) > MAX_NOTICE_BYTES) return;
      announce(payload);
    },
    subscribeSession: local.subscribeSession,
    subscribeAccount: local.subscribeAccount,
    async close() {
      stop();
      // What the last sockets published while closing (their guestDisconnect) leaves before the
      // database closes; after it, a NOTIFY fails and other instances would only catch up later.
      if (outgoing.length > 0) flush();
      await sending;
    },
  };
}

/** The hub of this process: in-process on SQLite (one server process), shared on PostgreSQL. */
export function createChatHub(db: Db, onError: (err: unknown) => void): ChatHub & { close(): Promise<void> } {
  const local = createInProcessChatHub(onError);
  return isPostgres(db) ? createSharedChatHub(db, local, onError) : { ...local, close: async () => {} };
}
