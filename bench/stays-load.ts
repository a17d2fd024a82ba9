import autocannon from 'autocannon';
import type { LoadResult } from './load.js';

/*
 * bench/load.ts's runLoad with request headers (the Loopon face authenticates with a bearer
 * token in the Authorization header; runLoad sends only a content type). Same figures out.
 */

export interface HeaderLoadSpec {
  url: string;
  headers: Record<string, string>;
  body: (n: number) => string;
  connections: number;
  durationS: number;
}

export function runLoadWithHeaders(spec: HeaderLoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url);
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: target.origin,
        connections: spec.connections,
        duration: spec.durationS,
        requests: [
          {
            method: 'POST',
            path: target.pathname + target.search,
            headers: { 'content-type': 'application/json', ...spec.headers },
            setupRequest: (request) => ({ ...request, body: spec.body(n++) }),
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat?.count ?? 0;
        resolve({
          requests: result.requests.total,
          reqPerSec: result.requests.average,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          durationS: result.duration,
        });
      },
    );
  });
}
