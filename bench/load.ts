import autocannon from 'autocannon';

/** What one autocannon run measured, reduced to the figures the bench reports. */
export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationS: number;
}

export interface LoadSpec {
  /** full URL including path and query, e.g. http://127.0.0.1:1234/loop/api/v1/Contact?authToken=... */
  url: string;
  /** the body of the n-th request (n counts across all connections of this run); ignored for GET */
  body: (n: number) => string;
  /** POST (default) or GET (no body) */
  method?: 'GET' | 'POST';
  /** extra request headers, e.g. a bearer token */
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
}

/**
 * POSTs JSON bodies at `url` (or GETs it) for `durationS` seconds with autocannon. A fresh body is built for
 * every request by setupRequest, so a pool of keys can be cycled across the connections.
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url);
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: target.origin,
        connections: spec.connections,
        duration: spec.durationS,
        requests: [
          spec.method === 'GET'
            ? { method: 'GET', path: target.pathname + target.search, headers: { ...spec.headers } }
            : {
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
