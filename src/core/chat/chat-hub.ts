import type { StoredChatEvent } from './chat-events.js';
import type { TypingIndicator } from './loopon-event.js';

/*
 * Realtime fan-out of the chat: what was committed (a message, a read update) or is only relayed
 * (typing) reaches the sockets subscribed to its session (guest apps) and to its account (staff).
 * This in-process hub serves one process; a PostgreSQL LISTEN/NOTIFY implementation of the same
 * interface (publish: NOTIFY the ids; on a notification: load the event and deliver locally)
 * replaces it for several instances. Publish only after the transaction committed.
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
