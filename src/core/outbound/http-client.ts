import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector, request } from 'undici';
import { isPrivateHost } from '../shared/callback-url.js';

/*
 * Every outbound HTTP call to a URL a tenant or an API client supplied (webhooks, stay callbacks)
 * goes through this one client. The address is checked where it counts, at connect time: a host
 * name is resolved once and every address it resolves to is checked before the socket opens (no
 * window for DNS rebinding between a check and the connect), and an IP literal is checked as is.
 * Loopback, private, link-local (cloud metadata 169.254.169.254), CGNAT, multicast, unspecified
 * and the other reserved ranges of callback-url.ts are refused unless allowPrivate
 * (ALLOW_PRIVATE_CALLBACK_URLS). Redirects are never followed (a 3xx is an answer like any other),
 * the whole call is bounded by a timeout, and at most 1 KiB of the answer is read.
 */

/** The most of an answer's body that is read and kept. */
export const RESPONSE_EXCERPT_BYTES = 1024;
/**
 * Connections kept open to one receiver (origin), reused for its next requests (keep-alive);
 * requests beyond wait for one. The delivery worker sends at most as many to one origin at once
 * (deliver.ts DELIVERIES_PER_ORIGIN), so its requests never wait here.
 */
export const CONNECTIONS_PER_ORIGIN = 64;
/** A delivery that has not answered in full by then has failed. */
export const OUTBOUND_TIMEOUT_MS = 15_000;

export class RefusedAddress extends Error {
  readonly code = 'OPENSTAY_REFUSED_ADDRESS';
  constructor(host: string, address: string) {
    super(`refused to connect to ${host}: ${address} is a private, loopback, link-local or reserved address`);
    this.name = 'RefusedAddress';
  }
}

export interface OutboundResponse {
  status: number;
  /** the start of the body, at most RESPONSE_EXCERPT_BYTES, as text */
  excerpt: string;
}

/** A GET's answer, its body read up to a limit. */
export interface OutboundBody {
  status: number;
  contentType: string | null;
  /** at most `maxBytes` of the body */
  body: Buffer;
  /** the body was longer than `maxBytes` (the rest was not read) */
  tooLarge: boolean;
}

export interface OutboundClient {
  /** GET `url` (same address rules, no redirects followed), reading at most `maxBytes` of the body. */
  get(url: string, headers: Record<string, string>, opts: { maxBytes: number; timeoutMs?: number }): Promise<OutboundBody>;
  post(url: string, headers: Record<string, string>, body: string, opts?: { timeoutMs?: number }): Promise<OutboundResponse>;
  close(): Promise<void>;
}

/** A DNS lookup that fails when any address the name resolves to is refused. */
function guardedLookup(): LookupFunction {
  return ((hostname: string, options: any, callback: (...args: any[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err);
      const refused = addresses.find((a) => isPrivateHost(a.address));
      if (refused) return callback(new RefusedAddress(hostname, refused.address));
      if (options?.all) return callback(null, addresses);
      const first = addresses[0];
      return callback(null, first.address, first.family);
    });
  }) as LookupFunction;
}

/** The client; `allowPrivate` lifts the address rules (tests, labs). */
export function createOutboundClient(opts: { allowPrivate: boolean; timeoutMs?: number }): OutboundClient {
  const timeoutMs = opts.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
  const connector = buildConnector({ timeout: timeoutMs, ...(opts.allowPrivate ? {} : { lookup: guardedLookup() }) });
  const agent = new Agent({
    connections: CONNECTIONS_PER_ORIGIN,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: (options, callback) => {
      // net.connect does not look an IP literal up: it is checked here.
      const host = options.hostname.replace(/^\[|\]$/g, '');
      if (!opts.allowPrivate && isIP(host) && isPrivateHost(host)) return callback(new RefusedAddress(options.hostname, host), null);
      return connector(options, callback);
    },
  });
  const deadlines = deadlineTimer();
  return {
    async post(url, headers, body, callOpts = {}) {
      const call = deadlines.start(callOpts.timeoutMs ?? timeoutMs);
      try {
        const response = await request(url, { method: 'POST', headers, body, dispatcher: agent, signal: call.signal });
        return { status: response.statusCode, excerpt: await readExcerpt(response.body) };
      } finally {
        deadlines.end(call);
      }
    },
    async get(url, headers, callOpts) {
      const call = deadlines.start(callOpts.timeoutMs ?? timeoutMs);
      try {
        const response = await request(url, { method: 'GET', headers, dispatcher: agent, signal: call.signal });
        const type = response.headers['content-type'];
        const chunks: Buffer[] = [];
        let size = 0;
        let tooLarge = false;
        for await (const chunk of response.body) {
          size += chunk.length;
          if (size > callOpts.maxBytes) {
            tooLarge = true;
            response.body.destroy();
            break;
          }
          chunks.push(chunk);
        }
        return { status: response.statusCode, contentType: typeof type === 'string' ? type : null, body: Buffer.concat(chunks), tooLarge };
      } finally {
        deadlines.end(call);
      }
    },
    close: () => agent.close(),
  };
}

interface Call {
  deadline: number;
  controller: AbortController;
  readonly signal: AbortSignal;
}

/**
 * The deadlines of the calls in flight, kept by one timer instead of an AbortSignal.timeout per
 * call: each of those is a timer of its own, registered for garbage collection, and made up a
 * sixth of a delivery's CPU in the profiles (docs/performance.md). The timer is set for the
 * earliest deadline; when it fires, every call past its deadline is aborted (a TimeoutError) and
 * the timer is set again for the earliest left. A call that ends first is only forgotten.
 */
function deadlineTimer() {
  const calls = new Set<Call>();
  let timer: NodeJS.Timeout | undefined;
  let firesAt = Number.POSITIVE_INFINITY;

  function arm(at: number, now: number): void {
    if (timer) clearTimeout(timer);
    firesAt = at;
    timer = setTimeout(sweep, Math.max(0, at - now));
    timer.unref();
  }

  function sweep(): void {
    timer = undefined;
    firesAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const call of calls) {
      if (call.deadline <= now) {
        calls.delete(call);
        call.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      } else if (call.deadline < next) next = call.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) arm(next, now);
  }

  return {
    start(ms: number): Call {
      const now = performance.now();
      const controller = new AbortController();
      const call = { deadline: now + ms, controller, signal: controller.signal };
      calls.add(call);
      if (call.deadline < firesAt) arm(call.deadline, now);
      return call;
    },
    end(call: Call): void {
      calls.delete(call);
      if (calls.size === 0 && timer) {
        clearTimeout(timer);
        timer = undefined;
        firesAt = Number.POSITIVE_INFINITY;
      }
    },
  };
}

/** At most RESPONSE_EXCERPT_BYTES of a body; the rest is not read (the connection is dropped). */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_EXCERPT_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}
