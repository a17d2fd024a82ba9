import fs from 'node:fs';
import path from 'node:path';

/*
 * node dist/bench/profile-summary.js <file.cpuprofile|dir> [top] [requests]
 * Summarises a V8 CPU profile (as written by BENCH_CPU_PROF): self time by function, self time by
 * package/source file, and inclusive time of the functions of src/ that matter for a request.
 * Given the number of requests the process served, also prints microseconds per request.
 */

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function load(arg: string): Profile {
  const stat = fs.statSync(arg);
  const file = stat.isDirectory()
    ? fs
        .readdirSync(arg)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(arg, f))
        .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs)
        .pop()
    : arg;
  if (!file) throw new Error(`no .cpuprofile in ${arg}`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
}

function where(url: string): string {
  if (!url) return '(native/vm)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + '/dist/'.length) : url;
}

const arg = process.argv[2];
if (!arg) {
  console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile|dir> [top]');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 30);
const requests = process.argv[4] ? Number(process.argv[4]) : undefined;
const profile = load(arg);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});

const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const selfByFn = new Map<string, number>();
const selfByWhere = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id)!;
  selfByFn.set(label(n), (selfByFn.get(label(n)) ?? 0) + t);
  selfByWhere.set(where(n.callFrame.url), (selfByWhere.get(where(n.callFrame.url)) ?? 0) + t);
  // inclusive: count each distinct function once per stack
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const key = label(byId.get(cur)!);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + t);
  }
}

/*
 * Self time in a few categories, as docs/performance.md reports them. better-sqlite3 runs SQLite
 * synchronously inside the JS call, so the self time of the SQLite driver's executeQuery (Kysely's
 * SqliteConnection, which calls stmt.all/run) and of executeCompiled (db/held-connection.ts, the
 * same calls for a group commit's statements) is the time spent in SQLite.
 */
function category(n: Node): string {
  const { functionName: fn, url } = n.callFrame;
  const at = where(url);
  if (fn === '(idle)') return 'idle (waiting, not CPU)';
  if (fn === 'writev' || fn === 'writevGeneric' || fn === 'writeUtf8String' || fn === 'writeBuffer') return 'socket writes';
  if (at === 'kysely' && fn === 'executeQuery' && url.includes('sqlite-driver')) return 'SQLite (inside better-sqlite3 calls)';
  if (fn === 'executeCompiled' && url.includes('held-connection')) return 'SQLite (inside better-sqlite3 calls)';
  if (at === 'kysely') return 'Kysely (building, compiling, executing)';
  if (fn === '(garbage collector)') return 'garbage collector';
  if (at.startsWith('src/')) return 'openstay code (src/)';
  if (/^(fastify|find-my-way|avvio|light-my-request|secure-json-parse|ajv|fast-json-stringify|pino|fast-querystring|@fastify)/.test(at)) {
    return 'Fastify and its parsers, validators, serializers, logger';
  }
  if (at.startsWith('node:')) return 'Node http, streams, events, timers';
  return 'other (V8, microtask queue, native)';
}
const byCategory = new Map<string, number>();
for (const [id, t] of self) {
  const c = category(byId.get(id)!);
  byCategory.set(c, (byCategory.get(c) ?? 0) + t);
}

const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%${requests ? `  ${(t / requests).toFixed(1).padStart(6)} us/req` : ''}`;
const print = (title: string, map: Map<string, number>, filter: (k: string) => boolean = () => true) => {
  console.log(`\n${title}`);
  const rows = [...map.entries()]
    .filter(([k]) => filter(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  for (const [k, t] of rows) console.log(`${pct(t)}  ${k}`);
};
console.log(`profile: ${(total / 1e6).toFixed(2)} s sampled${requests ? `, ${requests} requests` : ''}`);
print('self time by category', byCategory);
print('self time by package / file', selfByWhere);
print('self time by function', selfByFn);
print('inclusive time, openstay source (dist/src)', inclusive, (k) => k.includes(' src/'));
print('inclusive time, all', inclusive);
