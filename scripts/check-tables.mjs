#!/usr/bin/env node
/*
 * Table ownership check (CI: `npm run check:tables`). DESIGN.md: "A module exposes functions; it
 * may call another module's exported functions, never reach into its tables." This script knows
 * which module owns which table (OWNERS below, written once from src/db/schema.ts and DESIGN.md's
 * module list) and fails when
 *   - a file under src/core/<module>/ names a table of another module in a query
 *     (selectFrom, insertInto, updateTable, deleteFrom, replaceInto, mergeInto, the joins, or the
 *     FROM/JOIN/INTO/UPDATE of a raw sql`` template, the `table:` of a table-agnostic db helper
 *     such as reassignRows, src/db/reassign-rows.ts);
 *   - a file elsewhere in src/ (faces, CLI, server) names any table: they call core functions;
 *   - a table of the schema has no owner, or an owner names a table the schema lacks;
 *   - an ALLOWLIST entry no longer matches what its file does (so it cannot go stale).
 * src/db/ (schema, migrations, the write path) is the storage layer and is not checked.
 *
 * It reads source text, needs no build, and prints one line per finding.
 * Usage: node scripts/check-tables.mjs [--root <repository root>]
 *
 * Where it works, the compiler says it first: the chat module's functions take a Kysely typed with
 * only its tables (core/chat/chat-db.ts), so naming another table there does not compile. That
 * does not fit modules that use db/prepared.ts, isPostgres or lockKeys (typed with the whole
 * Database), nor a raw Transaction<Database> (not assignable to a narrowed Kysely), hence this.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which module owns which table. Every table of `interface Database` appears exactly once. */
export const OWNERS = {
  accounts: ['accounts', 'credentials', 'employees', 'oauth_clients', 'oauth_tokens', 'identity_blocklist', 'realtime_tickets',
    'staff_sessions', 'staff_tokens', 'staff_sign_in_failures', 'audit_entries'],
  locations: ['locations', 'loop_types', 'custom_fields', 'competitive_sets', 'competitive_set_members'],
  guests: ['guests', 'guest_keys', 'guest_matches', 'guest_revisions', 'guest_tombstones'],
  // Merging and splitting guests: the audit of each merge is its own; every row it moves goes
  // through a function of the module owning that row's table.
  merges: ['guest_merges'],
  stays: ['stays', 'stay_callbacks', 'stay_links'],
  journeys: ['journey_events', 'journey_rules', 'rule_firings'],
  requests: ['loops', 'loop_activities'],
  feedback: [
    'evaluations', 'evaluation_locations', 'question_sets', 'question_sections', 'questions', 'question_options',
    'answer_documents', 'answers', 'score_rollups', 'score_rollup_segments',
  ],
  reputation: ['review_questions', 'reviews', 'review_ratings', 'reputation_snapshots'],
  chat: ['chat_sessions', 'chat_events', 'chat_device_cursors', 'chat_attachments'],
  // A PMS contact and its events: use cases over guests, stays and journeys, through their functions.
  contacts: [],
  // A guest's profile across modules (timeline, export, erasure): composes the modules' functions.
  'guest-profile': [],
  // Background work: jobs claimed with a lease, and their stored inputs.
  // import_checkpoints: the committed progress of a file import, so a killed run continues.
  jobs: ['jobs', 'job_inputs', 'import_checkpoints'],
  // Idempotency-Key of the admin API: the answers stored for replay, per account and credential.
  idempotency: ['idempotency_keys'],
  // Native webhook subscriptions of an account (signing secrets sealed).
  webhooks: ['webhook_subscriptions'],
  // The durable outbox: each event on its way to one receiver, and every attempt made.
  outbox: ['deliveries', 'delivery_attempts'],
  // Domain events: recorded through the outbox, no table of their own.
  events: [],
  // The loyalty programme: API users of the Loyalty face, members, the points ledger and its lots,
  // levels, products, and the one-time links of password-reset e-mails.
  loyalty: [
    'loyalty_programs', 'loyalty_api_users', 'loyalty_api_sessions', 'loyalty_levels', 'loyalty_members',
    'loyalty_operations', 'loyalty_lot_moves', 'loyalty_products', 'loyalty_reset_tokens',
  ],
  // Guest messages: templates, the messages on their way (sent by a job), suppressed addresses, quiet hours.
  messaging: ['message_templates', 'messages', 'message_suppressions', 'messaging_settings'],
  // The staff inbox: assignment, per-staff read state, internal notes and unanswered-message alerts
  // of guest requests and chat sessions (whose own rows stay in requests and chat).
  inbox: ['inbox_threads', 'inbox_reads', 'inbox_notes', 'inbox_settings'],
  // Retention: each account's pass that applies its retention settings through the modules' functions.
  retention: ['retention_runs'],
  // `openstay demo`: its credentials, sealed, so that every run prints the same ones.
  demo: ['demo_secrets'],
};

/**
 * Deliberate exceptions, each with its reason. `tables` are the foreign tables the file may name;
 * an entry whose file no longer names one of them fails the check (remove it then).
 */
export const ALLOWLIST = [
  {
    file: 'src/core/contacts/keyed-contact.ts',
    tables: ['guest_keys', 'guests', 'stays', 'locations'],
    reason:
      'the hot Contact upsert reads guest_keys, guests, stays and locations in one statement that always ' +
      'returns one row: one round trip instead of four, measured in docs/performance.md ("One read for a ' +
      'keyed contact"); guests.ts and stays.ts still own every write to their tables',
  },
  {
    file: 'src/core/chat/chat-events.ts',
    tables: ['stay_callbacks'],
    reason:
      "PostgreSQL's chat message statement (appendChatEventReturningSession) also reads the stay's callbacks, " +
      'one round trip fewer per message on the chat path whose p99 is held to 10 ms (docs/performance.md, ' +
      '"Chat on PostgreSQL: three round trips fewer per guest message"); stay-callbacks.ts still owns every write',
  },
];

const QUERY_CALL = /\.\s*(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin|crossJoin|innerJoinLateral|leftJoinLateral|crossJoinLateral)\s*\(\s*/g;
// src/db/ helpers that take the table as an option ({ table: 'stays', ... }), named so the table is checked.
const TABLE_HELPER_CALL = /\b(reassignRows|faceIdTable|updateRowsById|insertRows)\s*\(/g;
const SQL_TABLE_WORD = /\b(?:from|join|into|update)\s+("?)([a-z_][a-z0-9_]*)\1/gi;

/** The table names of `export interface Database { name: Type; ... }` in schema.ts. */
export function schemaTables(schemaText) {
  const body = /export interface Database\s*\{([^}]*)\}/.exec(schemaText);
  if (!body) throw new Error('src/db/schema.ts: no `export interface Database { ... }` found');
  return [...body[1].matchAll(/^\s*([a-z_][a-z0-9_]*)\s*:/gm)].map((m) => m[1]);
}

/** Source text with comments blanked (line numbers kept), so prose naming a table is not a query. */
function stripComments(text) {
  let out = '';
  let i = 0;
  let quote = null;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
    } else if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
      i++;
    }
  }
  return out;
}

const lineOf = (text, index) => text.slice(0, index).split('\n').length;

/** Every table a file names in a query: [{table, line, how}]; `unverifiable` for a bare variable. */
export function tableReferences(source, tables) {
  const text = stripComments(source);
  const known = new Set(tables);
  const refs = [];
  for (const m of text.matchAll(QUERY_CALL)) {
    const at = m.index + m[0].length;
    const rest = text.slice(at, at + 400);
    // 'table', 'table as t', or an array of them; a subquery or callback is checked where it is built.
    const literal = /^(\[\s*)?(['"`])([^'"`]+)\2/.exec(rest);
    if (literal) {
      const list = literal[1] ? (/^\[([^\]]*)\]/.exec(rest)?.[1] ?? '') : literal[0];
      for (const item of list.matchAll(/(['"`])([^'"`]+)\1/g)) {
        const table = item[2].trim().split(/\s+as\s+/i)[0].trim();
        if (known.has(table)) refs.push({ table, line: lineOf(text, at), how: m[1] });
      }
    } else if (/^[A-Za-z_$][\w$]*\s*[,)]/.test(rest)) {
      refs.push({ table: null, line: lineOf(text, at), how: `${m[1]}(<variable>)` });
    }
  }
  for (const m of text.matchAll(TABLE_HELPER_CALL)) {
    const at = m.index + m[0].length;
    const named = /\btable\s*:\s*(?:(['"`])([^'"`]+)\1|[^,}]+)/.exec(text.slice(at, at + 400));
    if (!named?.[1]) refs.push({ table: null, line: lineOf(text, at), how: `${m[1]}(<variable>)` });
    else if (known.has(named[2])) refs.push({ table: named[2], line: lineOf(text, at + named.index), how: m[1] });
  }
  for (const m of text.matchAll(/\bsql\s*(?:<[^`]*?>)?\s*`([^`]*)`/g)) {
    for (const w of m[1].matchAll(SQL_TABLE_WORD)) {
      if (known.has(w[2])) refs.push({ table: w[2], line: lineOf(text, m.index + m[0].indexOf(w[0])), how: 'sql``' });
    }
  }
  return refs;
}

function* typeScriptFiles(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* typeScriptFiles(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) yield path;
  }
}

/** Runs the check over a repository; returns the problems found (empty: all good). */
export function checkTables(root) {
  const problems = [];
  const tables = schemaTables(readFileSync(join(root, 'src/db/schema.ts'), 'utf8'));
  const ownerOf = new Map();
  for (const [module, owned] of Object.entries(OWNERS)) {
    for (const table of owned) {
      if (ownerOf.has(table)) problems.push(`OWNERS: table ${table} is owned by both ${ownerOf.get(table)} and ${module}`);
      ownerOf.set(table, module);
      if (!tables.includes(table)) problems.push(`OWNERS: ${module} owns ${table}, which src/db/schema.ts does not declare`);
    }
  }
  for (const table of tables) if (!ownerOf.has(table)) problems.push(`OWNERS: table ${table} (src/db/schema.ts) has no owning module; add it to scripts/check-tables.mjs`);

  const allowed = new Map(ALLOWLIST.map((entry) => [entry.file, { entry, used: new Set() }]));
  for (const path of typeScriptFiles(join(root, 'src'))) {
    const file = relative(root, path).split(sep).join('/');
    if (file.startsWith('src/db/')) continue;
    const module = /^src\/core\/([^/]+)\//.exec(file)?.[1];
    const own = new Set(module ? (OWNERS[module] ?? []) : []);
    const allow = allowed.get(file);
    for (const ref of tableReferences(readFileSync(path, 'utf8'), tables)) {
      if (ref.table === null) {
        problems.push(`${file}:${ref.line}: ${ref.how}: name the table as a string literal so ownership can be checked`);
        continue;
      }
      if (own.has(ref.table)) continue;
      if (allow?.entry.tables.includes(ref.table)) {
        allow.used.add(ref.table);
        continue;
      }
      const owner = ownerOf.get(ref.table);
      problems.push(
        module
          ? `${file}:${ref.line}: module ${module} ${ref.how} ${ref.table}, a table of module ${owner}; call a function of core/${owner} instead`
          : `${file}:${ref.line}: ${ref.how} ${ref.table} outside core; call a function of core/${owner} instead`,
      );
    }
  }
  for (const { entry, used } of allowed.values()) {
    const stale = entry.tables.filter((t) => !used.has(t));
    if (stale.length) problems.push(`ALLOWLIST: ${entry.file} no longer names ${stale.join(', ')}; remove that from the allowlist`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--root');
  const root = at > 0 ? process.argv[at + 1] : join(fileURLToPath(import.meta.url), '..', '..');
  const problems = checkTables(root);
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`check-tables: ${problems.length} problem(s). Module ownership: scripts/check-tables.mjs (DESIGN.md "Modules").`);
    process.exit(1);
  }
  console.log(`check-tables: every module queries only its own tables (${ALLOWLIST.length} allowlisted file(s))`);
}
