import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { waitUntil } from './wait.js';

/** Listens on a port the system assigns and returns it. */
export async function listenOnFreePort(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the app listens on no TCP port');
  return address.port;
}

/** A client connection that writes raw bytes and keeps everything the server sent. */
export interface RawConnection {
  socket: net.Socket;
  /** everything received so far, as latin1 text */
  received(): string;
  closed(): boolean;
  /** when the server closed it (ms since the connection opened), once closed */
  closedAfterMs(): number | undefined;
  write(text: string): void;
  /** waits until the received text matches */
  waitFor(pattern: RegExp, timeout?: number): Promise<string>;
  waitClosed(timeout?: number): Promise<void>;
}

export async function connectRaw(port: number): Promise<RawConnection> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  const opened = Date.now();
  let text = '';
  let closedAt: number | undefined;
  socket.on('data', (chunk) => (text += chunk.toString('latin1')));
  // A reset after the server answered and closed is part of what is tested, not a failure.
  socket.on('error', () => {});
  socket.on('close', () => (closedAt = Date.now()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    received: () => text,
    closed: () => closedAt !== undefined,
    closedAfterMs: () => (closedAt === undefined ? undefined : closedAt - opened),
    write: (data) => {
      if (!socket.destroyed) socket.write(data);
    },
    waitFor: async (pattern, timeout = 10_000) => {
      await waitUntil(() => pattern.test(text), { timeout, what: () => `${pattern} in ${JSON.stringify(text)}` });
      return text;
    },
    waitClosed: async (timeout = 10_000) => {
      await waitUntil(() => closedAt !== undefined, { timeout, what: () => `the server to close the connection (got ${JSON.stringify(text)})` });
    },
  };
}

/** The head of the last response in `text`: its status and its headers, names in lower case. */
export function lastResponseHead(text: string): { status: number; headers: Record<string, string> } {
  const start = text.lastIndexOf('HTTP/1.1 ');
  const head = text.slice(start, text.indexOf('\r\n\r\n', start));
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers };
}
