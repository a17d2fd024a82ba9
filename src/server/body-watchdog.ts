import type { IncomingMessage } from 'node:http';
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
 * window over the bodies being received; each body costs a counter, no timer of its own.
 */

const TICKS_PER_WINDOW = 10;

interface WatchedBody {
  raw: IncomingMessage;
  reply: FastifyReply;
  received: number;
  ended: boolean;
  /** the tick during which the last chunk came (or the watch began) */
  lastChunkTick: number;
  /** the tick from which the pace is judged (first chunk, or the consumer last fell behind); -1: none yet */
  paceFromTick: number;
  /** `received` as of each of the last TICKS_PER_WINDOW ticks, indexed by tick modulo the window */
  history: number[] | undefined;
}

export interface BodyWatchdogOptions {
  windowMs: number;
  minBytesPerSecond: number;
}

export interface BodyWatchdog {
  /** watches the body of `raw` until it ends, the request is gone or it is cut off */
  watch(raw: IncomingMessage, reply: FastifyReply): void;
  /** how many bodies are being watched (tests) */
  readonly size: number;
  stop(): void;
}

export function createBodyWatchdog(opts: BodyWatchdogOptions): BodyWatchdog {
  const watched = new Set<WatchedBody>();
  const minBytesPerWindow = (opts.minBytesPerSecond * opts.windowMs) / 1000;
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;

  function check(): void {
    tick++;
    for (const body of watched) {
      const { raw } = body;
      if (body.ended || raw.destroyed) {
        watched.delete(body);
        continue;
      }
      // Data waiting in the request's buffer means the consumer (a streaming import, say) is the
      // one behind, not the client: start measuring again from now.
      if (raw.readableLength > 0) {
        body.lastChunkTick = tick;
        if (body.paceFromTick >= 0) body.paceFromTick = tick;
      }
      if (tick - body.lastChunkTick > TICKS_PER_WINDOW) {
        cutOff(body, `no data for ${opts.windowMs} ms`);
        continue;
      }
      if (body.paceFromTick < 0) continue;
      body.history ??= new Array<number>(TICKS_PER_WINDOW).fill(0);
      const slot = tick % TICKS_PER_WINDOW;
      // history[slot] was written TICKS_PER_WINDOW ticks ago: a whole window, all after paceFromTick.
      if (tick > body.paceFromTick + TICKS_PER_WINDOW && body.received - body.history[slot] < minBytesPerWindow) {
        cutOff(body, `less than ${opts.minBytesPerSecond} bytes/s over ${opts.windowMs} ms`);
        continue;
      }
      body.history[slot] = body.received;
    }
    if (watched.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  function cutOff(body: WatchedBody, why: string): void {
    watched.delete(body);
    const { raw, reply } = body;
    const error = new AppError('request_timeout', 408, `The request body came too slowly (${why}); the connection is closed`);
    reply.log.info({ reason: why, received: body.received }, 'request body timed out');
    if (reply.sent) {
      raw.socket?.destroy();
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
      const body: WatchedBody = { raw, reply, received: 0, ended: false, lastChunkTick: tick, paceFromTick: -1, history: undefined };
      // Counted where Node's HTTP parser hands the body over: a 'data' listener would switch the
      // stream to flowing mode before its consumer is attached, and a wrapping stream costs a copy.
      const push = raw.push;
      raw.push = function countedPush(chunk: any, encoding?: BufferEncoding) {
        if (chunk === null) body.ended = true;
        else {
          body.received += chunk.length;
          body.lastChunkTick = tick;
          if (body.paceFromTick < 0) body.paceFromTick = tick;
        }
        return push.call(this, chunk, encoding);
      };
      watched.add(body);
      if (!timer) {
        timer = setInterval(check, Math.max(1, Math.floor(opts.windowMs / TICKS_PER_WINDOW)));
        timer.unref();
      }
    },
    get size() {
      return watched.size;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      watched.clear();
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
    if (request.raw.complete === false && announcesBody(request.raw)) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onClose', (_instance, done) => {
    watchdog.stop();
    done();
  });
  return watchdog;
}
