import http from 'node:http';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';

/**
 * Every time limit of a connection, derived from REQUEST_TIMEOUT_MS (T, default 30 s):
 *  - headers must all arrive within T of the request's first byte (or of the connection's start);
 *  - a body may pause at most T, and must average BODY_MIN_BYTES_PER_SECOND over any T after its
 *    first chunk (body-watchdog.ts);
 *  - an idle keep-alive connection closes after 2.4 T (72 s by default: longer than the 60 s idle
 *    timeout of common load balancers, so a proxy that reuses connections closes first and never
 *    sends into a connection being closed);
 *  - Node looks for expired headers every T/10, so one is cut off between T and 1.1 T.
 * There is no bound on a whole request: a large upload on a slow link may take as long as it keeps pace.
 */
export interface ConnectionTimes {
  headersTimeoutMs: number;
  bodyWindowMs: number;
  keepAliveTimeoutMs: number;
  checkIntervalMs: number;
}

export const BODY_MIN_BYTES_PER_SECOND = 1024;

export function connectionTimes(config: Pick<Config, 'requestTimeoutMs'>): ConnectionTimes {
  const t = config.requestTimeoutMs;
  return {
    headersTimeoutMs: t,
    bodyWindowMs: t,
    keepAliveTimeoutMs: Math.round(t * 2.4),
    checkIntervalMs: Math.max(1, Math.floor(t / 10)),
  };
}

/** The Fastify options that set Node's server timeouts (see ConnectionTimes). */
export function serverTimeoutOptions(times: ConnectionTimes) {
  return {
    // requestTimeout 0: the body's pace is the watchdog's business, not a bound on the whole request.
    http: { headersTimeout: times.headersTimeoutMs, requestTimeout: 0, connectionsCheckingInterval: times.checkIntervalMs },
    requestTimeout: 0,
    keepAliveTimeout: times.keepAliveTimeoutMs,
    // No inactivity timeout on a socket: it would also cut a request whose handler takes long.
    connectionTimeout: 0,
  };
}

/** Node's HTTP parser errors and the answer each gets (as Node's own server answers them). */
function clientErrorStatus(code: string | undefined): { status: number; error: string; message: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, error: 'request_timeout', message: 'The request headers did not arrive in time' };
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, error: 'request_header_fields_too_large', message: 'The request headers are too large' };
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return { status: 413, error: 'payload_too_large', message: 'The chunk extensions are too large' };
  return { status: 400, error: 'bad_request', message: 'The request is not valid HTTP' };
}

/**
 * Fastify's clientErrorHandler: a request Node could not read (headers too large or too slow,
 * malformed HTTP) is answered with `Connection: close` before the socket is closed, so a keep-alive
 * client knows not to send its next request on it (Fastify's default leaves the header out).
 */
export function answerClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, error, message } = clientErrorStatus(err.code);
  this.log.debug({ err: { code: err.code, message: err.message }, status }, 'client error');
  // Never write into a response already under way on this socket: that would corrupt it.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify({ error, message });
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroySoon();
}

/** What a refused connection is answered, written before any request is read. */
const OVER_CAP_RETRY_AFTER_S = 5;
const OVER_CAP_BODY = JSON.stringify({ error: 'too_many_connections', message: 'Too many open connections from your address; retry later' });
const OVER_CAP_RESPONSE =
  `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: ${OVER_CAP_RETRY_AFTER_S}\r\n` +
  `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(OVER_CAP_BODY)}\r\n\r\n${OVER_CAP_BODY}`;

export interface ConnectionCap {
  /** open connections per remote address (tests, metrics) */
  readonly open: ReadonlyMap<string, number>;
  /** connections refused since start */
  readonly refused: number;
}

/**
 * Caps concurrent connections per socket address (never a forwarded header: a client sets those).
 * A connection over the cap never reaches the HTTP parser: it is answered a 503 with Retry-After
 * and `Connection: close`, what it sent is read and dropped for a moment (closing with unread data
 * would reset the connection before the client reads the answer), then it is closed.
 */
export function capConnectionsPerAddress(server: Server, max: number, lingerMs: number): ConnectionCap {
  const open = new Map<string, number>();
  const cap = { open, refused: 0 };
  if (max <= 0) return cap;
  // The HTTP server takes its connections through its own 'connection' listeners: admit a socket
  // by handing it on to them, refuse it by not doing so.
  const admitted = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      cap.refused++;
      refuse(socket, lingerMs);
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
    for (const listener of admitted) listener.call(server, socket);
  });
  return cap;
}

function refuse(socket: Socket, lingerMs: number): void {
  socket.on('error', () => {});
  socket.setTimeout(lingerMs, () => socket.destroy());
  socket.once('end', () => socket.destroy());
  socket.resume();
  socket.end(OVER_CAP_RESPONSE);
}
