import WebSocket from 'ws';
import { waitUntil } from './wait.js';

/** A ws client that keeps every event it received (frames split on newlines) and how it closed. */
export interface TestSocket {
  ws: WebSocket;
  events: any[];
  frames: string[];
  closed?: { code: number; reason: string };
  send(...events: unknown[]): void;
  /** waits for an event matching `match` and returns it */
  next(match: (event: any) => boolean, what?: string): Promise<any>;
  waitClosed(): Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export async function openSocket(url: string, opts: { open?: boolean } = {}): Promise<TestSocket> {
  const ws = new WebSocket(url);
  const socket: TestSocket = {
    ws,
    events: [],
    frames: [],
    send(...events) {
      ws.send(events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n'));
    },
    next(match, what = 'an event') {
      return waitUntil(() => socket.events.find(match), { what: () => `${what}; got ${JSON.stringify(socket.events)}` });
    },
    async waitClosed() {
      await waitUntil(() => socket.closed, { what: 'the socket to close' });
      return socket.closed!;
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await waitUntil(() => socket.closed, { what: 'the socket to close' });
    },
  };
  ws.on('message', (data) => {
    const text = String(data);
    socket.frames.push(text);
    for (const line of text.split('\n')) if (line.trim()) socket.events.push(JSON.parse(line));
  });
  ws.on('close', (code, reason) => {
    socket.closed = { code, reason: String(reason) };
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  if (opts.open === false) return socket;
  return socket;
}
