import fs from 'node:fs';
import { nbspAsSpace } from '../../src/api/http/tolerant-body.js';

/** One example of test/fixtures/spec-examples.txt: the document's request and what it answers. */
export interface SpecExample {
  /** `000_...txt:25-42 Insert a Keyed Contact` */
  title: string;
  document: string;
  request: string;
  /** the document's sample answer, verbatim */
  response?: string;
  /** a difference docs/compat.md records: the status Openstay answers and the passage that says why */
  deviation?: { status: number; compat: string };
  placeholders: Array<[string, string]>;
  /** the demo holds the document's own data here: the answer carries the sample's values too */
  sameValues: boolean;
  /** headers the document describes once for every endpoint, added to a request printed without them */
  headers: Array<[string, string]>;
}

/** Reads the fixture: `### <document>:<lines> <title>` opens an example, `--- <kind>` a part of it. */
export function readSpecExamples(file: string): SpecExample[] {
  const examples: SpecExample[] = [];
  let part: 'request' | 'response' = 'request';
  let current: SpecExample | undefined;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('# ') || line === '#') continue;
    if (line.startsWith('### ')) {
      const title = line.slice(4);
      current = { title, document: title.split(':')[0], request: '', placeholders: [], headers: [], sameValues: false };
      examples.push(current);
      part = 'request';
    } else if (!current) {
      if (line.trim()) throw new Error(`text before the first example: ${line}`);
    } else if (line.startsWith('--- response')) {
      part = 'response';
      current.response = '';
    } else if (line.startsWith('--- deviation ')) {
      const m = /^--- deviation (\d{3}): (.+)$/.exec(line);
      if (!m) throw new Error(`bad deviation line: ${line}`);
      current.deviation = { status: Number(m[1]), compat: m[2] };
    } else if (line.startsWith('--- placeholder ')) {
      const [from, to] = line.slice('--- placeholder '.length).split(' = ');
      current.placeholders.push([from, to]);
    } else if (line === '--- same values') {
      current.sameValues = true;
    } else if (line.startsWith('--- header ')) {
      const header = line.slice('--- header '.length);
      const colon = header.indexOf(':');
      current.headers.push([header.slice(0, colon).trim(), header.slice(colon + 1).trim()]);
    } else if (part === 'request') current.request += `${line}\n`;
    else current.response += `${line}\n`;
  }
  return examples;
}

/**
 * The sample answer as data. Some samples are not JSON as scraped (indented with no-break spaces,
 * `surveys:` unquoted, `[...]` for "and so on"); they are read as meant: the spaces plain, the
 * key quoted, the elided list empty.
 */
export function documentedJson(text: string): unknown {
  const spaced = nbspAsSpace(text);
  try {
    return JSON.parse(spaced);
  } catch {
    return JSON.parse(spaced.replace(/\[\.\.\.\]/g, '[]').replace(/^(\s*)([A-Za-z_]\w*)\s*:/gm, '$1"$2":'));
  }
}

/**
 * Where `actual` lacks the documented shape: every documented key present with a value of the same
 * JSON type (a documented `null` is a nullable field: any value), and every documented array
 * element matched by some element of the actual array (an empty documented array: any). Extra keys
 * are allowed. With `values`, documented scalars must also be equal. Returns the mismatches, empty
 * when the shape holds.
 */
export function shapeMismatches(actual: unknown, documented: unknown, at = '$', values = false): string[] {
  if (documented === null) return [];
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(actual) !== kind(documented)) return [`${at}: ${kind(documented)} expected, got ${JSON.stringify(actual)}`];
  if (Array.isArray(documented)) {
    const list = actual as unknown[];
    const out: string[] = [];
    documented.forEach((doc, i) => {
      if (!list.some((a) => shapeMismatches(a, doc, at, values).length === 0)) {
        const first = list.length ? shapeMismatches(list[0], doc, `${at}[0]`, values) : [`${at}: empty array`];
        out.push(`${at}: no element has the shape of documented element ${i} (${first.join('; ')})`);
      }
    });
    return out;
  }
  if (kind(documented) === 'object') {
    const obj = actual as Record<string, unknown>;
    return Object.entries(documented as Record<string, unknown>).flatMap(([k, v]) =>
      k in obj ? shapeMismatches(obj[k], v, `${at}.${k}`, values) : [`${at}.${k}: missing`],
    );
  }
  return values && actual !== documented ? [`${at}: ${JSON.stringify(documented)} expected, got ${JSON.stringify(actual)}`] : [];
}
