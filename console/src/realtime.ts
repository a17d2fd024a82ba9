import { useEffect, useRef } from 'react';
import { api } from './api';
import type { RealtimeTicket } from './types';

/** A message of the staff socket (see POST /admin/v1/realtime/tickets in the admin API reference). */
export interface RealtimeEvent {
  type: string;
  [field: string]: unknown;
}

type Listener = (event: RealtimeEvent) => void;

const listeners = new Set<Listener>();
let socket: WebSocket | undefined;
let retryMs = 1_000;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * One staff WebSocket for the whole console, opened with a single-use ticket while at least one
 * screen listens, reopened with back-off when it drops.
 */
async function connect(): Promise<void> {
  if (socket || listeners.size === 0) return;
  try {
    const { url } = await api<RealtimeTicket>('POST', '/realtime/tickets');
    const ws = new WebSocket(url.replace(/^https?:\/\/[^/]+/, `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`));
    socket = ws;
    ws.onopen = () => {
      retryMs = 1_000;
    };
    ws.onmessage = (message) => {
      let event: RealtimeEvent;
      try {
        event = JSON.parse(String(message.data)) as RealtimeEvent;
      } catch {
        return;
      }
      for (const listener of listeners) listener(event);
    };
    ws.onclose = () => {
      // a socket closed when its last screen left may close after the next screen opened another
      if (socket !== ws) return;
      socket = undefined;
      scheduleReconnect();
    };
  } catch {
    scheduleReconnect();
  }
}

function scheduleReconnect(): void {
  if (retryTimer || listeners.size === 0) return;
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    void connect();
  }, retryMs);
  retryMs = Math.min(retryMs * 2, 30_000);
}

/** Calls `listener` with every staff socket event while the component is mounted. */
export function useRealtime(listener: Listener): void {
  const current = useRef(listener);
  current.current = listener;
  useEffect(() => {
    const forward: Listener = (event) => current.current(event);
    listeners.add(forward);
    void connect();
    return () => {
      listeners.delete(forward);
      if (listeners.size === 0) {
        socket?.close();
        socket = undefined;
      }
    };
  }, []);
}
