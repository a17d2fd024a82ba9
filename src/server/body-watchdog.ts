import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../core/shared/errors.js';

/*
 * Request bodies must keep coming: a body may pause at most `windowMs` between chunks (the wait for
 * its first chunk counts as a pause), and must average `minBytesPerSecond` over any `windowMs` after
 * its first chunk. So a 64 MiB upload on a slow but working link passes, and a client trickling a
 * byte every few seconds, holding a connection and a file descriptor for free, is cut off with a
 * 408 and `Connection: close`.
 *
 * Node's own timeouts cannot say this: requestTimeout bounds the whole request (a slow honest
 * upload would need hours), and nothing in it measures pace. One shared timer ticks ten times per
 * window over the connections receiving a body and reads how far each socket got (bytesRead):
 * nothing runs per chunk, and the body's stream is left alone (a 'data' listener would switch it to
 * flowing mode before its consumer is attached).
 *
 * The state lives in one record per connection, reused by each of its requests: a request costs
 * a few field writes, no allocation. (A record per request kept in a Map made every request
 * outlive the young generation and tripled the garbage collector's time under load.)
 */

const TICKS_PER_WINDOW = 10;
const kWatch = Symbol('openstay.bodyWatch');

interface ConnectionWatch {
  socket: Socket;
  /** the request whose body is being received; undefined: none */
  raw: IncomingMessage | undefined;
  reply: FastifyReply | undefined;
  /** the socket's bytesRead when the body's watch began, and at the last tick */
  startBytes: number;
  lastBytes: number;
  /** the tick at which data was last seen to have come (or the watch began) */
  lastChunkTick: number;
  /** the tick from which the pace is judged (first chunk, or the consumer last fell behind); -1: none yet */
  paceFromTick: number;
  /** bytes received as of each of the last TICKS_PER_WINDOW ticks, indexed by tick modulo the window */
  history: number[] | undefined;
}

type WatchedSocket = Socket & { [kWatch]?: ConnectionWatch };

export interface BodyWatchdogOptions {
  windowMs: number;
  minBytesPerSecond: number;
}

export interface BodyWatchdog {
  /** watches the body of `raw` until it ends, the request is gone or it is cut off */
  watch(raw: IncomingMessage, reply: FastifyReply): void;
  /** stops watching the body of `raw` (it is all in: nothing must hold the request until the next tick) */
  forget(raw: IncomingMessage): void;
  stop(): void;
}

export function createBodyWatchdog(opts: BodyWatchdogOptions): BodyWatchdog {
  const connections = new Set<ConnectionWatch>();
  const minBytesPerWindow = (opts.minBytesPerSecond * opts.windowMs) / 1000;
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;

  function release(watch: ConnectionWatch): void {
    watch.raw = undefined;
    watch.reply = undefined;
  }

  function check(): void {
    tick++;
    for (const watch of connections) {
      const raw = watch.raw;
      if (raw === undefined) continue;
      if (raw.complete || raw.destroyed) {
        release(watch);
        continue;
      }
      const bytes = watch.socket.bytesRead;
      if (bytes !== watch.lastBytes) {
        watch.lastBytes = bytes;
        watch.lastChunkTick = tick;
        if (watch.paceFromTick < 0) watch.paceFromTick = tick - 1;
      }
      const received = bytes - watch.startBytes;
      // Data waiting in the request's buffer means the consumer (a streaming import, say) is the
      // one behind, not the client: start measuring again from now.
      if (raw.readableLength > 0) {
        watch.lastChunkTick = tick;
        if (watch.paceFromTick >= 0) watch.paceFromTick = tick;
      }
      if (tick - watch.lastChunkTick > TICKS_PER_WINDOW) {
        cutOff(watch, `no data for ${opts.windowMs} ms`);
        continue;
      }
      if (watch.paceFromTick < 0) continue;
      watch.history ??= new Array<number>(TICKS_PER_WINDOW).fill(0);
      const slot = tick % TICKS_PER_WINDOW;
      // history[slot] was written TICKS_PER_WINDOW ticks ago: a whole window, all after paceFromTick.
      if (tick > watch.paceFromTick + TICKS_PER_WINDOW && received - watch.history[slot] < minBytesPerWindow) {
        cutOff(watch, `less than ${opts.minBytesPerSecond} bytes/s over ${opts.windowMs} ms`);
        continue;
      }
      watch.history[slot] = received;
    }
    if (connections.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  function cutOff(watch: ConnectionWatch, why: string): void {
    const raw = watch.raw!;
    const reply = watch.reply!;
    release(watch);
    const error = new AppError('request_timeout', 408, `The request body came too slowly (${why}); the connection is closed`);
    reply.log.info({ reason: why, received: watch.socket.bytesRead - watch.startBytes }, 'request body timed out');
    if (reply.sent) {
      watch.socket.destroy();
    } else if (raw.listenerCount('error') > 0) {
      // Whoever reads the body (Fastify's body parser, a streaming import) fails with the 408,
      // and the face's error handler renders it; the unread body closes the connection (onSend).
      raw.emit('error', error);
    } else {
      reply.header('connection', 'close').send(error);
    }
  }

  return {
    watch(raw, reply) {
      const socket = raw.socket as WatchedSocket | null;
      // An injected request has no socket to watch.
      if (typeof socket?.bytesRead !== 'number') return;
      let watch = socket[kWatch];
      if (!watch) {
        const created: ConnectionWatch = { socket, raw, reply, startBytes: 0, lastBytes: 0, lastChunkTick: 0, paceFromTick: -1, history: undefined };
        socket[kWatch] = watch = created;
        connections.add(created);
        socket.once('close', () => connections.delete(created));
      }
      watch.raw = raw;
      watch.reply = reply;
      watch.startBytes = watch.lastBytes = socket.bytesRead;
      watch.lastChunkTick = tick;
      watch.paceFromTick = -1;
      if (!timer) {
        timer = setInterval(check, Math.max(1, Math.floor(opts.windowMs / TICKS_PER_WINDOW)));
        timer.unref();
      }
    },
    forget(raw) {
      const watch = (raw.socket as WatchedSocket | null)?.[kWatch];
      if (watch?.raw === raw) release(watch);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      connections.clear();
    },
  };
}

/** True when the request announces a body (HTTP/1.1: a Transfer-Encoding or a non-zero Content-Length). */
export function announcesBody(raw: IncomingMessage): boolean {
  const length = raw.headers['content-length'];
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Watches every request body (callback-style hooks: no promise per request), and makes every answer
 * given before the request's body was all read close the connection and say so: Node would
 * otherwise keep reading the rest of that body, at the client's pace, to reuse the connection.
 */
export function limitRequestBodies(app: FastifyInstance, opts: BodyWatchdogOptions): BodyWatchdog {
  const watchdog = createBodyWatchdog(opts);
  app.addHook('onRequest', (request, reply, done) => {
    if (announcesBody(request.raw)) watchdog.watch(request.raw, reply);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    // `complete` is Node's flag (an injected request has none and is always whole).
    if (request.raw.complete !== false) watchdog.forget(request.raw);
    else if (announcesBody(request.raw)) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onClose', (_instance, done) => {
    watchdog.stop();
    done();
  });
  return watchdog;
}
