import type { LoopWithActivities } from '../requests/loop-changes.js';
import type { StoredChatEvent } from './chat-events.js';
import type { TypingIndicator } from './loopon-event.js';

/*
 * Realtime fan-out of what staff and guests watch live: a chat event that was committed (a
 * message, a read update, a guest app connecting) or is only relayed (typing) reaches the sockets
 * subscribed to its session (guest apps) and to its account (staff); a guest request (loop) that
 * opened or changed reaches the account's staff sockets. The in-process hub serves one process; on
 * PostgreSQL the shared hub (shared-chat-hub.ts) wraps it for several instances. Publish only
 * after the transaction committed.
 */

export type RequestChange = 'opened' | 'updated';

/**
 * A change of the staff inbox's own state of a conversation (an assignment, an internal note, a
 * staff member's read), as the staff socket sends it: `type` is inbox.assigned, inbox.note or
 * inbox.read; never sent to a guest.
 */
export interface InboxChange {
  type: 'inbox.assigned' | 'inbox.note' | 'inbox.read';
  thread: { kind: 'request' | 'chat'; id: number };
  locationId: number;
  [key: string]: unknown;
}

export type ChatHubMessage =
  | { kind: 'event'; accountId: number; sessionId: number; locationId: number; event: StoredChatEvent }
  | { kind: 'typing'; accountId: number; sessionId: number; locationId: number; sessionKey: string; typing: TypingIndicator; at: number }
  | { kind: 'request'; accountId: number; change: RequestChange; request: LoopWithActivities }
  | { kind: 'inbox'; accountId: number; change: InboxChange };

export type ChatHubListener = (message: ChatHubMessage) => void;
export type Unsubscribe = () => void;

export interface ChatHub {
  publish(message: ChatHubMessage): void;
  /** the chat messages of one session of an account (a guest app's socket) */
  subscribeSession(accountId: number, sessionId: number, listener: ChatHubListener): Unsubscribe;
  /** every message of an account, request changes included (a staff socket) */
  subscribeAccount(accountId: number, listener: ChatHubListener): Unsubscribe;
}

export interface LocalChatHub extends ChatHub {
  /** the accounts that have a listener here: of a session (guests), of the whole account (staff) */
  listening(): { sessions: Set<number>; accounts: Set<number> };
}

export function createInProcessChatHub(onListenerError: (err: unknown) => void = () => {}): LocalChatHub {
  const sessions = new Map<string, Set<ChatHubListener>>();
  const sessionAccounts = new Map<number, number>(); // account -> sessions listened to
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
      if (message.kind === 'event' || message.kind === 'typing') deliver(sessions.get(`${message.accountId}:${message.sessionId}`), message);
      deliver(accounts.get(message.accountId), message);
    },
    subscribeSession: (accountId, sessionId, listener) => {
      sessionAccounts.set(accountId, (sessionAccounts.get(accountId) ?? 0) + 1);
      const stop = add(sessions, `${accountId}:${sessionId}`, listener);
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        stop();
        const left = (sessionAccounts.get(accountId) ?? 1) - 1;
        if (left > 0) sessionAccounts.set(accountId, left);
        else sessionAccounts.delete(accountId);
      };
    },
    subscribeAccount: (accountId, listener) => add(accounts, accountId, listener),
    listening: () => ({ sessions: new Set(sessionAccounts.keys()), accounts: new Set(accounts.keys()) }),
  };
}
