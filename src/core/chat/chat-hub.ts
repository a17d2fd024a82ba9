import { randomUUID } from 'node:crypto';
import { isPostgres, type Db } from '../../db/database.js';
import { notify, onNoticeChannel } from '../../db/notices.js';
import { findStoredChatEvent, type StoredChatEvent } from './chat-events.js';
import type { TypingIndicator } from './loopon-event.js';

/*
 * Realtime fan-out of the chat: what was committed (a message, a read update) or is only relayed
 * (typing) reaches the sockets subscribed to its session (guest apps) and to its account (staff).
 * The in-process hub serves one process; on PostgreSQL the shared hub wraps it for several
 * instances: publish delivers here and NOTIFYs the ids, and every other instance loads the event
 * and delivers it to its own sockets. Publish only after the transaction committed.
 */

export type ChatHubMessage =
  | { kind: 'event'; accountId: number; sessionId: number; locationId: number; event: StoredChatEvent }
  | { kind: 'typing'; accountId: number; sessionId: number; locationId: number; sessionKey: string; typing: TypingIndicator; at: number };

export type ChatHubListener = (message: ChatHubMessage) => void;
export type Unsubscribe = () => void;

export interface ChatHub {
  publish(message: ChatHubMessage): void;
  /** the messages of one session of an account (a guest app's socket) */
  subscribeSession(accountId: number, sessionId: number, listener: ChatHubListener): Unsubscribe;
  /** every message of an account (a staff socket) */
  subscribeAccount(accountId: number, listener: ChatHubListener): Unsubscribe;
}

export function createInProcessChatHub(onListenerError: (err: unknown) => void = () => {}): ChatHub {
  const sessions = new Map<string, Set<ChatHubListener>>();
  const accounts = new Map<number, Set<ChatHubListener>>();
  const add = <K>(map: Map<K, Set<ChatHubListener>>, key: K, listener: ChatHubListener): Unsubscribe => {
    const set = map.get(key) ?? new Set<ChatHubListener>();
    map.set(key, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && map.get(key) === set) map.delete(key);
    };
  };
  const deliver = (set: Set<ChatHubListener> | undefined, message: ChatHubMessage) => {
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(message);
      } catch (err) {
        onListenerError(err);
      }
    }
  };
  return {
    publish(message) {
      deliver(sessions.get(`${message.accountId}:${message.sessionId}`), message);
      deliver(accounts.get(message.accountId), message);
    },
    subscribeSession: (accountId, sessionId, listener) => add(sessions, `${accountId}:${sessionId}`, listener),
    subscribeAccount: (accountId, listener) => add(accounts, accountId, listener),
  };
}

/** The LISTEN/NOTIFY channel of the chat's fan-out between instances (db/notices.ts). */
export const CHAT_CHANNEL = 'openstay_chat';
/** Notices are at most 8,000 bytes; a typing indicator larger than this is relayed here only. */
const MAX_NOTICE_BYTES = 7_000;

type ChatNotice =
  | { from: string; kind: 'event'; accountId: number; sessionId: number; locationId: number; eventId: number }
  | ({ from: string } & Extract<ChatHubMessage, { kind: 'typing' }>);

export interface SharedChatHub extends ChatHub {
  /** stops hearing other instances */
  close(): void;
}

/**
 * The hub of one instance among several on one PostgreSQL database: what is published here is
 * delivered here at once and announced (ids only; a typing indicator, which is never stored, as
 * it is); what another instance announces is loaded and delivered to this instance's sockets, in
 * the order announced. After a gap in the notices, guest apps catch up when they reconnect with
 * their deviceId (the events are in the table), staff consoles by reloading the session.
 */
export function createSharedChatHub(db: Db, local: ChatHub, onError: (err: unknown) => void = () => {}): SharedChatHub {
  const self = randomUUID();
  let order = Promise.resolve();
  const receive = async (payload: string) => {
    const notice = JSON.parse(payload) as ChatNotice;
    if (notice.from === self) return;
    if (notice.kind === 'typing') {
      const { from: _from, ...typing } = notice;
      local.publish(typing);
      return;
    }
    const event = await findStoredChatEvent(db, notice.accountId, notice.eventId);
    if (event) local.publish({ kind: 'event', accountId: notice.accountId, sessionId: notice.sessionId, locationId: notice.locationId, event });
  };
  const stop = onNoticeChannel(CHAT_CHANNEL, {
    onPayload: (payload) => {
      order = order.then(() => receive(payload)).catch(onError);
    },
    onGap: () => {},
  });
  return {
    publish(message) {
      local.publish(message);
      const notice: ChatNotice =
        message.kind === 'event'
          ? { from: self, kind: 'event', accountId: message.accountId, sessionId: message.sessionId, locationId: message.locationId, eventId: message.event.id }
          : { from: self, ...message };
      const payload = JSON.stringify(notice);
      if (Buffer.byteLength(payload) > MAX_NOTICE_BYTES) return;
      notify(db, CHAT_CHANNEL, payload).catch(onError);
    },
    subscribeSession: local.subscribeSession,
    subscribeAccount: local.subscribeAccount,
    close: stop,
  };
}

/** The hub of this process: in-process on SQLite (one server process), shared on PostgreSQL. */
export function createChatHub(db: Db, onError: (err: unknown) => void): ChatHub & { close(): void } {
  const local = createInProcessChatHub(onError);
  return isPostgres(db) ? createSharedChatHub(db, local, onError) : { ...local, close: () => {} };
}
