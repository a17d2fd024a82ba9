import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DatabaseHandle } from '../db/database.js';

/*
 * /metrics in the Prometheus text format. Each app has its own Registry (tests build several apps
 * in one process); the process's own figures (CPU, memory, GC, event-loop lag as
 * nodejs_eventloop_lag_seconds) come from prom-client's default collectors, registered once per
 * process under their usual names so stock Node.js dashboards read them. Openstay's own metrics are
 * named openstay_*, and none has a per-account label.
 *
 * To add a figure, register a gauge (or a counter) whose value is read at scrape time, e.g. in buildApp:
 *   app.metrics.gauge({ name: 'openstay_outbox_due', help: '...', collect: () => countDue(db) });
 * or any prom-client metric with `registers: [app.metrics.registry]`.
 */

export interface GaugeSpec {
  name: string;
  help: string;
  /** the value at scrape time (may be async: a count from the database) */
  collect: () => number | Promise<number>;
}

export interface Metrics {
  /** this app's registry: any prom-client metric can be registered in it (`registers: [registry]`) */
  readonly registry: Registry;
  /** registers a gauge read at scrape time */
  gauge(spec: GaugeSpec): Gauge;
  /** registers a counter whose running total is read at scrape time (the name ends in _total) */
  counter(spec: GaugeSpec): void;
  /** the text of a scrape: this app's metrics, then the process's */
  render(): Promise<string>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

let processRegistry: Registry | undefined;

/** The process-wide default collectors, created once whatever the number of apps. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createMetrics(database: DatabaseHandle): Metrics {
  const registry = new Registry();
  const metrics: Metrics = {
    registry,
    gauge(spec) {
      return new Gauge({
        name: spec.name,
        help: spec.help,
        registers: [registry],
        async collect() {
          this.set(await spec.collect());
        },
      });
    },
    counter(spec) {
      registry.registerMetric(collected(spec.name, spec.help, 'counter', async () => [{ labels: {}, value: await spec.collect() }]));
    },
    async render() {
      return `${await registry.metrics()}\n${await processMetrics().metrics()}`;
    },
  };
  registerDatabaseGauges(metrics, database);
  return metrics;
}

function registerDatabaseGauges(metrics: Metrics, database: DatabaseHandle): void {
  if (database.dialect === 'postgres') {
    const pool = () => database.load() as Extract<ReturnType<DatabaseHandle['load']>, { dialect: 'postgres' }>;
    new Gauge({
      name: 'openstay_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total: open, idle: open and unused)',
      labelNames: ['state'],
      registers: [metrics.registry],
      collect() {
        const { total, idle } = pool();
        this.set({ state: 'total' }, total);
        this.set({ state: 'idle' }, idle);
      },
    });
    metrics.gauge({ name: 'openstay_db_pool_max', help: 'The most connections the PostgreSQL pool opens', collect: () => pool().max });
    metrics.gauge({ name: 'openstay_db_pool_waiting', help: 'Queries waiting for a PostgreSQL pool connection', collect: () => pool().waiting });
    return;
  }
  const writes = () => database.load() as Extract<ReturnType<DatabaseHandle['load']>, { dialect: 'sqlite' }>;
  metrics.gauge({ name: 'openstay_db_write_queue', help: 'SQLite writes waiting for the next group commit', collect: () => writes().queuedWrites });
  metrics.gauge({ name: 'openstay_db_writes_committing', help: 'SQLite writes in the group commit under way', collect: () => writes().committingWrites });
}

/** The label of every request no route matched: one series whatever the URL. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** loop, loopon, admin or other, from a route pattern or a path. */
export function faceOf(path: string): string {
  if (path === '/loopon' || path.startsWith('/loopon/')) return 'loopon';
  if (path === '/loop' || path.startsWith('/loop/')) return 'loop';
  if (path === '/admin' || path.startsWith('/admin/')) return 'admin';
  return 'other';
}

/** Upper bounds of the duration histogram's buckets, in seconds. */
const DURATION_BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface RouteSeries {
  labels: { face: string; route: string; method: string };
  /** answers by status */
  byStatus: Map<number, number>;
  /** durations per bucket (not cumulative; the last is above every bound), their sum and count */
  buckets: number[];
  sum: number;
  count: number;
}

/** A metric prom-client's Registry renders: it asks `get()` at scrape time. */
interface CollectedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }>;
}

interface Sample {
  metricName?: string;
  labels: object;
  value: number;
}

function collected(name: string, help: string, type: CollectedMetric['type'], values: () => Sample[] | Promise<Sample[]>) {
  const metric: CollectedMetric = { name, help, type, aggregator: 'sum', get: async () => ({ name, help, type, aggregator: 'sum', values: await values() }) };
  return metric as unknown as Parameters<Registry['registerMetric']>[0];
}

/**
 * Counts every answer by face, route pattern, method and status, and times it by face, route and
 * method (the histogram has no status label: that would multiply its buckets for little). The
 * route is the pattern (/admin/v1/guests/:id), never the URL, so the series are bounded by the
 * routes; unmatched URLs share one series per face.
 *
 * Per request this is one callback-style onResponse hook adding to plain numbers; prom-client
 * reads them only at scrape time (its labelled metrics hash and check the labels on every call).
 */
export function recordHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  const series = new Map<string, RouteSeries>();

  const seriesOf = (request: FastifyRequest): RouteSeries => {
    const pattern = request.is404 ? undefined : request.routeOptions.url;
    const unmatchedFace = pattern === undefined ? faceOf(request.url.split('?')[0]) : undefined;
    const key = pattern === undefined ? `${request.method} ${UNMATCHED_ROUTE} ${unmatchedFace}` : `${request.method} ${pattern}`;
    let found = series.get(key);
    if (!found) {
      const labels = { face: unmatchedFace ?? faceOf(pattern!), route: pattern ?? UNMATCHED_ROUTE, method: request.method };
      found = { labels, byStatus: new Map(), buckets: new Array<number>(DURATION_BOUNDS.length + 1).fill(0), sum: 0, count: 0 };
      series.set(key, found);
    }
    return found;
  };

  app.addHook('onResponse', (request, reply, done) => {
    const s = seriesOf(request);
    s.byStatus.set(reply.statusCode, (s.byStatus.get(reply.statusCode) ?? 0) + 1);
    const seconds = reply.elapsedTime / 1000;
    let bucket = 0;
    while (bucket < DURATION_BOUNDS.length && seconds > DURATION_BOUNDS[bucket]) bucket++;
    s.buckets[bucket]++;
    s.sum += seconds;
    s.count++;
    done();
  });

  metrics.registry.registerMetric(
    collected('openstay_http_requests_total', 'HTTP requests answered, by face, route pattern, method and status', 'counter', () =>
      [...series.values()].flatMap((s) => [...s.byStatus].map(([status, value]) => ({ labels: { ...s.labels, status: String(status) }, value }))),
    ),
  );
  const name = 'openstay_http_request_duration_seconds';
  metrics.registry.registerMetric(
    collected(name, 'Time from the request to its answer, by face, route pattern and method', 'histogram', () =>
      [...series.values()].flatMap((s) => {
        let cumulative = 0;
        const buckets = s.buckets.map((n, i) => {
          cumulative += n;
          return {
            metricName: `${name}_bucket`,
            labels: { ...s.labels, le: i < DURATION_BOUNDS.length ? String(DURATION_BOUNDS[i]) : '+Inf' },
            value: cumulative,
          };
        });
        return [...buckets, { metricName: `${name}_sum`, labels: s.labels, value: s.sum }, { metricName: `${name}_count`, labels: s.labels, value: s.count }];
      }),
    ),
  );
}

/**
 * GET /metrics: open when METRICS_TOKEN is unset (the README says so: keep the port private or
 * set a token), else only with `Authorization: Bearer <token>` (compared in constant time).
 */
export function metricsRoute(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  const expected = token === undefined ? undefined : digest(token);
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (expected) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (!match || !timingSafeEqual(digest(match[1]), expected)) {
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: 'unauthorized', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' });
      }
    }
    const text = await metrics.render();
    return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(text);
  });
}

/** Equal-length digests, so timingSafeEqual compares without telling the token's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
