import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { ChatHub } from '../../core/chat/chat-hub.js';

/*
 * The WebSocket side of the server, shared by the faces: @fastify/websocket registered once (on
 * the HTTP port), the chat hub that fans committed events out to sockets, the count of open
 * sockets for /metrics, and the writes sockets start when they close (awaited at shutdown before
 * the database closes).
 */

/** Frames larger than this close the socket (1009): a bound on memory, far above any event. */
export const MAX_SOCKET_PAYLOAD_BYTES = 1024 * 1024;
/** How long a socket may take to close at shutdown before it is cut. */
const CLOSE_GRACE_MS = 2_000;

export interface Realtime {
  hub: ChatHub;
  /** open sockets by kind */
  open: { guest: number; staff: number };
  /** lets the shutdown wait for `work` (a socket's last writes) */
  track<T>(work: Promise<T>): Promise<T>;
  /** the interval of the heartbeat: a socket that misses a pong for one interval is cut */
  pingIntervalMs: number;
}

/** Registers the WebSocket plugin around the process's chat hub (core/chat/chat-hub.ts createChatHub). */
export async function registerRealtime(app: FastifyInstance, hub: ChatHub, opts: { pingIntervalMs?: number } = {}): Promise<Realtime> {
  const pending = new Set<Promise<unknown>>();
  const realtime: Realtime = {
    hub,
    open: { guest: 0, staff: 0 },
    pingIntervalMs: opts.pingIntervalMs ?? 30_000,
    track(work) {
      pending.add(work);
      void work.then(
        () => pending.delete(work),
        () => pending.delete(work),
      );
      return work;
    },
  };
  await app.register(websocket, {
    options: { maxPayload: MAX_SOCKET_PAYLOAD_BYTES },
    // At shutdown every socket is told (1001) and given a moment; their last writes finish before
    // the database closes (onClose hooks run after this).
    preClose(done) {
      const server = app.websocketServer;
      const clients = [...server.clients];
      for (const client of clients) client.close(1001, 'server shutting down');
      const closed = Promise.all(clients.map((client) => waitClosed(client)));
      void closed.then(() => Promise.allSettled([...pending])).then(() => server.close(() => done()));
    },
  });
  return realtime;
}

function waitClosed(client: WebSocket): Promise<void> {
  if (client.readyState === client.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => client.terminate(), CLOSE_GRACE_MS);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Pings the socket every interval; one that has not answered the previous ping is cut (mobile
 * networks drop sockets silently). Returns the stop function.
 */
export function keepAlive(socket: WebSocket, intervalMs: number): () => void {
  let alive = true;
  socket.on('pong', () => {
    alive = true;
  });
  const timer = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Sends text if the socket is still open (a closing socket drops it). */
export function sendText(socket: WebSocket, text: string): void {
  if (socket.readyState === socket.OPEN) socket.send(text);
}
