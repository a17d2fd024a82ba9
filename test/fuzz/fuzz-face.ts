import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import type { FaceTarget } from './faces.js';
import { changedTables, fingerprint } from './fingerprint.js';
import { operationsOf, requestArbitrary, type FuzzRequest } from './request-arbitrary.js';

/*
 * The properties, for every generated request of a face, sent one at a time with app.inject:
 *  (a) never a 5xx;
 *  (b) no change on rejection: a 4xx wrote no row of any table a request can write (per-table
 *      write counters kept by triggers in the test database, see fingerprint.ts);
 *  (c) a rejected request gets a JSON error body that says something (not empty).
 */

export interface FuzzOptions {
  runs: number;
  seed: number;
  /**
   * false (npm test): the first violation fails, shrunk by fast-check to a small request.
   * true (npm run fuzz): every violation is recorded and the run goes on, to find them all.
   */
  collect?: boolean;
}

export interface FuzzReport {
  face: string;
  runs: number;
  seed: number;
  ms: number;
  /** answers by status code */
  statuses: Record<number, number>;
  /** distinct violations, one example each: "<property> <method> <documented path>: detail" */
  findings: Map<string, { count: number; example: string }>;
  operations: number;
  /** answers by documented operation ("POST /v1/locations") and status class */
  byOperation: Record<string, Record<string, number>>;
}

/** The error body is JSON and carries a message or an error code somewhere near the top. */
export function errorBodyProblem(response: LightMyRequestResponse): string | undefined {
  if (!response.body) return 'empty body';
  if (!/json/.test(String(response.headers['content-type'] ?? ''))) return `content-type ${response.headers['content-type']}`;
  let body: any;
  try {
    body = JSON.parse(response.body);
  } catch {
    return 'body is not JSON';
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body is not a JSON object';
  const says = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
  const inner = body.error && typeof body.error === 'object' ? body.error : {};
  // `detail`: Django REST framework's error body, which the Loyalty face answers as Fideltour does.
  const ok = [body.message, body.error, body.error_description, body.code, body.detail, inner.message, inner.code].some(says);
  return ok ? undefined : `no message in ${response.body.slice(0, 200)}`;
}

function describe(request: FuzzRequest, inject: { url?: unknown }): string {
  const payload = request.payload === undefined ? '' : ` body(${request.payload.length})=${request.payload.slice(0, 300)}`;
  return `${request.method} ${String(inject.url).slice(0, 400)} auth=${request.auth} headers=${JSON.stringify(request.headers)}${payload}`;
}

/** How many requests between two reseedings of the demo data (successful deletes deplete it). */
const REPLENISH_EVERY = 250;

/** What the app logged about a failed request (the faces log at level error): the error and its stack's top. */
function loggedError(face: FaceTarget, response: LightMyRequestResponse): string {
  const id = String(response.headers['x-request-id'] ?? '');
  const line = [...face.t.logs].reverse().find((l) => id && l.includes(`"${id}"`));
  if (!line) return '(nothing)';
  try {
    const entry = JSON.parse(line);
    const stack = String(entry.err?.stack ?? '')
      .split('\n')
      .slice(0, 6)
      .join(' | ');
    return `${entry.msg ?? ''} ${stack}`.slice(0, 1500);
  } catch {
    return line.slice(0, 1500);
  }
}

/** Runs the properties over `runs` requests generated from the face's OpenAPI document. */
export async function fuzzFace(face: FaceTarget, opts: FuzzOptions): Promise<FuzzReport> {
  const docResponse = await face.t.app.inject({ url: face.openapiUrl });
  const ops = operationsOf(face.completeDocument?.(docResponse.json()) ?? docResponse.json());
  if (ops.length === 0) throw new Error(`${face.openapiUrl} documents no operation`);
  const db = face.t.database.db;
  const report: FuzzReport = { face: face.name, runs: 0, seed: opts.seed, ms: 0, statuses: {}, findings: new Map(), operations: ops.length, byOperation: {} };
  // The fingerprint of the database as it is now, or undefined after an answer that may have written.
  let known: Record<string, number> | undefined;

  const violation = (property: string, request: FuzzRequest, detail: string, example: string) => {
    const key = `${property} ${request.op.method} ${request.op.path}: ${detail}`;
    if (!opts.collect) throw new Error(`${key}\n  request: ${example}`);
    const seen = report.findings.get(key);
    if (seen) seen.count++;
    else report.findings.set(key, { count: 1, example });
  };

  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(requestArbitrary(ops, face.arbitraryOptions), async (request) => {
      if (report.runs > 0 && report.runs % REPLENISH_EVERY === 0) {
        await face.replenish();
        known = undefined;
      }
      let before = known ?? (await fingerprint(db));
      let inject = face.render(request);
      let response = await face.t.app.inject(inject);
      // A valid credential refused: an earlier request revoked it (admin credentials, client
      // revocation). Renew it and send again; that is the request's real answer.
      if (request.auth === 'valid' && response.statusCode === 401) {
        await face.renew();
        before = await fingerprint(db);
        inject = face.render(request);
        response = await face.t.app.inject(inject);
      }
      report.runs++;
      report.statuses[response.statusCode] = (report.statuses[response.statusCode] ?? 0) + 1;
      const opKey = `${request.op.method} ${request.op.path}`;
      const perOp = report.byOperation[opKey] ?? {};
      report.byOperation[opKey] = perOp;
      const statusClass = `${String(response.statusCode)[0]}xx`;
      perOp[statusClass] = (perOp[statusClass] ?? 0) + 1;
      const example = describe(request, inject);
      const status = response.statusCode;
      if (status >= 500) violation('5xx', request, `${status} ${response.body.slice(0, 160)}`, `${example}\n      logged: ${loggedError(face, response)}`);
      if (status >= 400 && status < 500) {
        const after = await fingerprint(db);
        const changed = changedTables(before, after);
        if (changed.length) violation('change-on-rejection', request, `${status} changed ${changed.join(', ')}`, example);
        const problem = errorBodyProblem(response);
        if (problem && request.method !== 'OPTIONS') violation('error-body', request, `${status} ${problem}`, example);
        known = after;
      } else {
        known = undefined; // a success may have written
      }
      return true;
    }),
    { numRuns: opts.runs, seed: opts.seed, endOnFailure: Boolean(opts.collect) },
  );
  report.ms = Date.now() - started;
  return report;
}

/** One line per figure, for the test log and docs/reliability.md. */
export function formatReport(report: FuzzReport, dialect: string): string {
  const classes: Record<string, number> = {};
  for (const [status, n] of Object.entries(report.statuses)) classes[`${status[0]}xx`] = (classes[`${status[0]}xx`] ?? 0) + n;
  const lines = [
    `fuzz ${report.face} on ${dialect}: ${report.runs} requests over ${report.operations} operations, seed ${report.seed}, ${(report.ms / 1000).toFixed(1)} s`,
    `  answers: ${Object.entries(classes)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ')} (${Object.entries(report.statuses)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ')})`,
    `  operations never answered 2xx: ${
      Object.entries(report.byOperation)
        .filter(([, counts]) => !counts['2xx'])
        .map(([op, counts]) => `${op} (${Object.values(counts).reduce((a, b) => a + b, 0)})`)
        .join(', ') || 'none'
    }`,
    `  findings: ${report.findings.size === 0 ? 'none' : ''}`,
    ...[...report.findings].map(([key, f]) => `    ${key} (x${f.count})\n      e.g. ${f.example}`),
  ];
  return lines.join('\n');
}
