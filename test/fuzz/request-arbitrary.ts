import fc from 'fast-check';
import { junkValue, mutatedValue, schemaValue, type JsonSchema, type NameHints } from './schema-arbitrary.js';

/*
 * Requests generated from a face's OpenAPI document (itself generated from the routes' TypeBox
 * schemas): for each operation, path parameters (ids of real rows mixed with junk), query strings
 * (schema-shaped, mutated, extra and repeated parameters), headers (content types right and wrong,
 * charset oddities) and bodies (schema-shaped JSON, mutated JSON, text that is not JSON).
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface Operation {
  method: HttpMethod;
  /** the documented path, e.g. /v1/locations/{id} (below the face's server URL) */
  path: string;
  params: Array<{ in: 'path' | 'query'; name: string; schema: JsonSchema; required: boolean }>;
  body?: { contentTypes: string[]; schema: JsonSchema; required: boolean };
}

/** How a request authenticates; the runner renders it with the credential valid at send time. */
export type AuthKind = 'valid' | 'wrong' | 'none' | 'malformed';

export interface FuzzRequest {
  op: Operation;
  method: HttpMethod;
  /** path and query below the face's prefix, without the credential */
  pathAndQuery: string;
  auth: AuthKind;
  headers: Record<string, string>;
  payload?: string;
  /**
   * the client's address: one of many, so that limits on failed credential checks per address
   * (429, other work) do not end up refusing every later request of the run
   */
  remoteAddress: string;
}

/** The operations of an OpenAPI 3 document. */
export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = (op.parameters ?? [])
        .filter((p: any) => p.in === 'path' || p.in === 'query')
        // A shared params schema may document a parameter the path lacks; it cannot be sent.
        .filter((p: any) => p.in === 'query' || path.includes(`{${p.name}}`))
        .map((p: any) => ({ in: p.in, name: p.name, schema: p.schema ?? {}, required: Boolean(p.required) }));
      const content = op.requestBody?.content ?? {};
      const contentTypes = Object.keys(content);
      const body = contentTypes.length
        ? { contentTypes, schema: content[contentTypes[0]].schema ?? {}, required: Boolean(op.requestBody.required) }
        : undefined;
      ops.push({ method: method.toUpperCase() as HttpMethod, path, params, body });
    }
  }
  return ops;
}

/** Path segments a careless or hostile client sends where an id belongs (already URL-safe). */
const JUNK_SEGMENTS = [
  '0',
  '-1',
  '0x1f',
  '+2',
  '002',
  '1e3',
  '2.0',
  '99999999999999999999',
  '2147483648',
  '9007199254740993',
  'NaN',
  'null',
  'undefined',
  '%20',
  '%00',
  '%zz',
  '%E2%82',
  '..',
  '%2e%2e',
  'a%2Fb',
  encodeURIComponent('é💥'),
  encodeURIComponent("1' OR '1'='1"),
  'x'.repeat(1200),
  '1'.repeat(400),
  '529652b0121d5fa206011a79',
  'ffffffffffffffffffffffff',
];

function pathValue(name: string, schema: JsonSchema, hints: NameHints): fc.Arbitrary<string> {
  const hinted = hints(name);
  const known = hinted?.length ? fc.constantFrom(...hinted.map(String)).map(encodeURIComponent) : undefined;
  const shaped = schemaValue(schema).map((v) => encodeURIComponent(typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
  const junk = fc.oneof(fc.constantFrom(...JUNK_SEGMENTS), fc.string({ maxLength: 16 }).map(encodeURIComponent));
  return known
    ? fc.oneof({ weight: 6, arbitrary: known }, { weight: 1, arbitrary: shaped }, { weight: 2, arbitrary: junk })
    : fc.oneof({ weight: 2, arbitrary: shaped }, { weight: 1, arbitrary: junk });
}

/** A value as text in a query string (objects and arrays as JSON, which a client might do). */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}

function queryPairs(op: Operation, hints: NameHints): fc.Arbitrary<Array<[string, string]>> {
  const perParam = op.params
    .filter((p) => p.in === 'query')
    .map((p) =>
      fc.oneof(
        { weight: 3, arbitrary: fc.constant<Array<[string, string]>>([]) },
        { weight: 5, arbitrary: schemaValue(p.schema, hints, p.name).map((v): Array<[string, string]> => [[p.name, asText(v)]]) },
        { weight: 2, arbitrary: junkValue.map((v): Array<[string, string]> => [[p.name, asText(v).slice(0, 5000)]]) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('x'.repeat(3000), 'é'.repeat(1500), '2147483648', '-1', '0', '%00').map((v): Array<[string, string]> => [[p.name, v]]),
        },
        // repeated: Fastify's parser turns it into an array
        {
          weight: 1,
          arbitrary: fc.tuple(schemaValue(p.schema, hints, p.name), junkValue).map(
            ([a, b]): Array<[string, string]> => [
              [p.name, asText(a)],
              [p.name, asText(b).slice(0, 200)],
            ],
          ),
        },
      ),
    );
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant<Array<[string, string]>>([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.tuple(
          fc.constantFrom('limit', 'offset', 'page', 'id', 'q', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'authToken', 'x', ''),
          fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('-1', '1e9', '[]', '{}')),
        ),
        { minLength: 1, maxLength: 2 },
      ),
    },
  );
  return fc.tuple(fc.tuple(...perParam), extra).map(([lists, more]) => [...lists.flat(), ...more]);
}

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset="utf-8"',
  'APPLICATION/JSON',
  'application/json;;',
  'application/vnd.api+json',
  'application/x-ndjson',
  '*/*',
  'json',
  '',
];

/** Bodies that are not the JSON the schema wants, or not JSON at all. */
const RAW_BODIES = [
  '',
  '{',
  '{"a":',
  '[1,2',
  'null',
  '[]',
  '"text"',
  '42',
  'not json',
  '{"a":1}{"b":2}',
  '{"a":1,"a":2}',
  '\uFEFF{}',
  '\u0000',
  'a=1&b=2&a=3',
  '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"a":"\\ud800"}',
  '{"a":1e999}',
  '{"a":-0}',
  `{"a":"${'x'.repeat(200_000)}"}`,
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  'line one\n{"a":1}\n\n{"b":',
];

function jsonLines(schema: JsonSchema, hints: NameHints): fc.Arbitrary<string> {
  const line = fc.oneof(
    { weight: 3, arbitrary: schemaValue(schema, hints).map((v) => JSON.stringify(v) ?? '') },
    { weight: 2, arbitrary: mutatedValue(schema, hints).map((v) => JSON.stringify(v) ?? 'x') },
    { weight: 1, arbitrary: fc.constantFrom('', 'x', '{', '[]', 'null', '{"a":1}') },
  );
  return fc.array(line, { minLength: 0, maxLength: 5 }).map((lines) => lines.join('\n'));
}

function bodyArb(op: Operation, hints: NameHints, lineSchema?: JsonSchema): fc.Arbitrary<string | undefined> {
  const raw = fc.constantFrom<string | undefined>(...RAW_BODIES);
  if (!op.body) {
    return fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: raw },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
    );
  }
  // Imports take JSON lines (the schema, if any, is that of one line's record).
  if (op.body.contentTypes.some((c) => c.includes('ndjson') || c.startsWith('text/'))) {
    return fc.oneof({ weight: 4, arbitrary: jsonLines(lineSchema ?? {}, hints) }, { weight: 1, arbitrary: raw });
  }
  return fc.oneof(
    { weight: 5, arbitrary: schemaValue(op.body.schema, hints).map((v) => JSON.stringify(v)) },
    { weight: 5, arbitrary: mutatedValue(op.body.schema, hints).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: raw },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function contentTypeArb(op: Operation): fc.Arbitrary<string | undefined> {
  const declared = op.body?.contentTypes ?? ['application/json'];
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<string | undefined>(...declared) },
    { weight: 2, arbitrary: fc.constantFrom<string | undefined>(...WRONG_CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

export interface RequestArbitraryOptions {
  hints: NameHints;
  /** extra headers a face's clients send (e.g. Loopon's VERSION), with junk values */
  extraHeaders?: Record<string, string[]>;
  /** for JSON-lines bodies (imports), the schema of one line's record, by documented path */
  lineSchemas?: Record<string, JsonSchema>;
}

/** One request to one of `ops`. */
export function requestArbitrary(ops: Operation[], opts: RequestArbitraryOptions): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...ops).chain((op) => operationRequest(op, opts));
}

function operationRequest(op: Operation, { hints, extraHeaders = {}, lineSchemas = {} }: RequestArbitraryOptions): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const paths = fc
    .tuple(...pathParams.map((p) => pathValue(p.name, p.schema, hints)))
    .map((values) => pathParams.reduce((path, p, i) => path.replace(`{${p.name}}`, values[i]), op.path));
  const method = fc.oneof(
    { weight: 19, arbitrary: fc.constant(op.method) },
    { weight: 1, arbitrary: fc.constantFrom<HttpMethod>('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
  );
  const auth = fc.oneof(
    { weight: 17, arbitrary: fc.constant<AuthKind>('valid') },
    { weight: 1, arbitrary: fc.constantFrom<AuthKind>('wrong', 'none', 'malformed') },
  );
  const extras = fc.tuple(
    ...Object.entries(extraHeaders).map(([name, values]) =>
      fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...values) }).map((v) => [name, v] as const),
    ),
  );
  return fc
    .record({
      path: paths,
      query: queryPairs(op, hints),
      method,
      auth,
      payload: bodyArb(op, hints, lineSchemas[op.path]),
      contentType: contentTypeArb(op),
      extras,
      address: fc.tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })),
    })
    .map(({ path, query, method, auth, payload, contentType, extras, address }) => {
      const headers: Record<string, string> = {};
      if (payload !== undefined && contentType !== undefined) headers['content-type'] = contentType;
      for (const [name, value] of extras) if (value !== undefined) headers[name] = value;
      const qs = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
      const remoteAddress = `10.${address.join('.')}`;
      return { op, method, pathAndQuery: qs ? `${path}?${qs}` : path, auth, headers, remoteAddress, ...(payload === undefined ? {} : { payload }) };
    });
}
