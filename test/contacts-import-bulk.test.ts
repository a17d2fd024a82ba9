import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../src/api/imports/import-file.js';
import { importContacts } from '../src/api/imports/import-contacts.js';
import { createAccountWithCredentials } from '../src/core/accounts/provision.js';
import type { Db } from '../src/db/database.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { runCli } from './helpers/cli.js';
import { dialects } from './helpers/database.js';

// Issue 13: `openstay import contacts <file>` at a million lines: JSON lines or CSV, set-based
// batches, resumable after an interruption from a checkpoint in the database, bad lines reported
// with their line numbers, a progress bar, and one summary event instead of one per guest.

/** n contacts with duplicates across lines, an agency's shared phone and e-mails, and past stays. */
function contacts(n: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < n; i++) {
    const p = i % 7 === 6 ? i - 5 : i; // every 7th line repeats an earlier contact, changed
    const agency = p % 10 < 3;
    out.push({
      foreignId: `PMS-${p}`,
      firstName: ['Ann', 'Bob', 'Carla', 'Dora'][p % 4],
      lastName: `L${p % 13}`,
      email: agency ? ['noreply@agency.example', 'bookings@agency.example'][p % 2] : `g${p}@mail.example`,
      mobile: agency ? '+34911234567' : `+4670${String(1000000 + p)}`,
      language: p === i ? 'en' : 'sv',
      ...(p % 5 === 0
        ? { stays: [{ ref: `R-${p}`, arrival: '2025-03-01T14:00:00Z', departure: '2025-03-03T10:00:00Z', room: String(p % 90), status: 'poststay' }] }
        : {}),
    });
  }
  return out;
}

const CSV_HEADER = 'foreignId,firstName,lastName,email,mobile,language,stay.ref,stay.arrival,stay.departure,stay.room,stay.status';
function csvOf(rows: Array<Record<string, any>>): string {
  const cell = (v: unknown) => (v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return `${CSV_HEADER}\n${rows
    .map((r) => {
      const s = r.stays?.[0] ?? {};
      return [r.foreignId, r.firstName, r.lastName, r.email, r.mobile, r.language, s.ref, s.arrival, s.departure, s.room, s.status].map(cell).join(',');
    })
    .join('\n')}\n`;
}
const jsonl = (rows: unknown[]) => `${rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n')}\n`;

/** An account's guests, keys, stays and decisions, with ids replaced by creation rank. */
async function stateOf(db: Db, accountId: number) {
  const guests = await db.selectFrom('guests').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  const rank = new Map(guests.map((g, i) => [g.id, i]));
  const keys = await db.selectFrom('guest_keys').select(['source', 'key', 'guest_id']).where('account_id', '=', accountId).execute();
  const stays = await db.selectFrom('stays').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  const matches = await db
    .selectFrom('guest_matches')
    .select(['guest_id', 'rule', 'identifier', 'reason', 'count'])
    .where('account_id', '=', accountId)
    .execute();
  const revisions = await db.selectFrom('guest_revisions').select(['guest_id', 'version']).where('account_id', '=', accountId).execute();
  const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
  return {
    guests: guests.map((g) => [g.first_name, g.last_name, g.email, g.mobile, g.language, g.version]),
    keys: sorted(keys.map((k) => [k.source, k.key, rank.get(k.guest_id)])),
    stays: sorted(stays.map((s) => [rank.get(s.guest_id), s.external_ref?.replace(/^\d+:/, ''), s.room, s.status, s.checkin_date, s.checkout_date])),
    matches: sorted(matches.map((m) => [rank.get(m.guest_id), m.rule, m.identifier, m.reason, m.count])),
    revisions: sorted(revisions.map((r) => [rank.get(r.guest_id), r.version])),
  };
}

describe.each(dialects())('bulk contacts import on %s', (dialect) => {
  let t: TestApp;
  let dir: string;
  let env: Record<string, string>;
  const account = async (slug: string) => {
    const created = await createAccountWithCredentials(t.database.db, slug);
    return { id: created.account.id, admin: created.adminToken };
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-bulk-'));
    env = { DATABASE_URL: t.database.url };
  });
  afterAll(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('continues an interrupted import from its checkpoint: the same final state as one run, no duplicates', async () => {
    const file = path.join(dir, 'resume.jsonl');
    fs.writeFileSync(file, jsonl(contacts(5000)));
    const whole = await account('whole');
    const resumed = await account('resumed');
    const one = await runCli(['import', 'contacts', file, '--account', 'whole', '--json'], env);
    expect(one.code, one.stderr).toBe(0);

    // Interrupted after its first batch (2,000 lines) committed: the failure stands for a kill.
    let batches = 0;
    await expect(
      importFile(t.database.db, resumed.id, 'contacts', importContacts, file, {
        format: 'jsonl',
        onProgress: () => {
          if (++batches === 1) throw new Error('injected failure');
        },
      }),
    ).rejects.toThrow('injected failure');
    const saved = await t.database.db.selectFrom('import_checkpoints').selectAll().where('account_id', '=', resumed.id).execute();
    expect(saved).toHaveLength(1);
    expect(JSON.parse(saved[0].state)).toMatchObject({ linesRead: 2000, imported: 2000, failedCount: 0 });
    expect(await t.database.db.selectFrom('guests').select('id').where('account_id', '=', resumed.id).execute()).not.toHaveLength(0);

    const again = await runCli(['import', 'contacts', file, '--account', 'resumed'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('continuing an interrupted import of this file after line 2000');
    expect(again.stdout).toMatch(/contacts: imported 5000 of 5000 lines, 0 failed/);
    expect(await t.database.db.selectFrom('import_checkpoints').selectAll().where('account_id', '=', resumed.id).execute()).toEqual([]);

    const a = await stateOf(t.database.db, whole.id);
    const b = await stateOf(t.database.db, resumed.id);
    expect(b).toEqual(a);
    // One guest per PMS key, whatever the repeats and the shared agency values.
    const distinct = new Set(contacts(5000).map((c) => c.foreignId)).size;
    expect(a.guests).toHaveLength(distinct);
    expect(a.keys).toHaveLength(distinct);
  }, 240_000);

  it.skipIf(dialect !== 'postgres')(
    'leaves the planner statistics of the tables it grew fresh (PostgreSQL; SQLite plans without them)',
    async () => {
      const file = path.join(dir, 'statistics.jsonl');
      fs.writeFileSync(file, jsonl(contacts(3000)));
      await account('statistics');
      const before = await sql<{ at: Date | null }>`select max(last_analyze) as at from pg_stat_user_tables`.execute(t.database.db);
      const run = await runCli(['import', 'contacts', file, '--account', 'statistics', '--json'], env);
      expect(run.code, run.stderr).toBe(0);
      // Two batches of 2,000 lines: analyzed after the first, so the second batch's look-ups were planned from them.
      const { rows } = await sql<{ relname: string; last_analyze: Date | null; reltuples: number }>`
        select s.relname, s.last_analyze, c.reltuples from pg_stat_user_tables s join pg_class c on c.oid = s.relid
        where s.relname in ('guests', 'guest_keys', 'guest_revisions', 'stays') order by s.relname`.execute(t.database.db);
      expect(rows.map((r) => r.relname)).toEqual(['guest_keys', 'guest_revisions', 'guests', 'stays']);
      for (const row of rows) {
        expect(row.last_analyze, row.relname).not.toBeNull();
        if (before.rows[0].at) expect(row.last_analyze!.getTime(), row.relname).toBeGreaterThan(before.rows[0].at.getTime());
      }
      expect(Number(rows.find((r) => r.relname === 'guest_keys')!.reltuples)).toBeGreaterThan(0);
    },
    120_000,
  );

  it('reads CSV as it reads JSON lines: the same guests, keys and stays', async () => {
    const rows = contacts(700);
    const csvFile = path.join(dir, 'guests.csv');
    const jsonFile = path.join(dir, 'guests.jsonl');
    fs.writeFileSync(csvFile, csvOf(rows));
    fs.writeFileSync(jsonFile, jsonl(rows));
    const fromCsv = await account('from-csv');
    const fromJson = await account('from-json');
    const c = await runCli(['import', 'contacts', csvFile, '--account', 'from-csv', '--json'], env);
    const j = await runCli(['import', 'contacts', jsonFile, '--account', 'from-json', '--json'], env);
    expect(c.code, c.stderr).toBe(0);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ imported: 700, failedCount: 0 });
    expect(await stateOf(t.database.db, fromCsv.id)).toEqual(await stateOf(t.database.db, fromJson.id));
    // --format overrides the extension; an unknown column is refused at line 1.
    const named = path.join(dir, 'guests.txt');
    fs.writeFileSync(named, 'foreignId,email,keys.crm,customFields.floor\nX-1,"x@mail.example",C-1,"3, high"\n');
    const n = await runCli(['import', 'contacts', named, '--account', 'from-csv', '--format', 'csv', '--json'], env);
    expect(n.code, n.stderr).toBe(0);
    const guest = await t.database.db
      .selectFrom('guests')
      .selectAll()
      .where('account_id', '=', fromCsv.id)
      .where('email', '=', 'x@mail.example')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(guest.custom_fields)).toEqual({ floor: '3, high' });
    fs.writeFileSync(named, 'foreignId,shoeSize\nX-2,44\n');
    const bad = await runCli(['import', 'contacts', named, '--account', 'from-csv', '--format', 'csv', '--json'], env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).failed).toEqual([{ line: 1, error: expect.stringContaining('column "shoeSize" is not a field') }]);
    const wrong = await runCli(['import', 'contacts', named, '--account', 'from-csv', '--format', 'xml'], env);
    expect(wrong.code).toBe(2);
  }, 120_000);

  it('reports bad lines with their line numbers and writes nothing of them', async () => {
    const acc = await account('bad-lines');
    const file = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(
      file,
      jsonl([
        { foreignId: 'B-1', email: 'b1@mail.example' },
        '{not json',
        { firstName: 'No identity' },
        { foreignId: 'B-2', keys: [{ source: 'loop', key: 'B-1' }], email: 'b2@mail.example', stays: [{ ref: 'S', arrival: '2025-01-01T00:00:00Z' }] },
        { foreignId: 'B-3', stays: [{ ref: 'S', location: 'no-such-shortcode' }] },
        { foreignId: 'B-4', email: 'b4@mail.example' },
      ]),
    );
    const res = await runCli(['import', 'contacts', file, '--account', 'bad-lines'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^line 2: not valid JSON$/m);
    expect(res.stderr).toMatch(/^line 3: a contact needs ids\.loop, a key/m);
    expect(res.stderr).toMatch(/^line 4: key loop:B-1 already names another guest$/m);
    expect(res.stderr).toMatch(/^line 5: stays\[0\]\.location "no-such-shortcode" names no location/m);
    expect(res.stdout).toMatch(/imported 2 of 6 lines, 4 failed/);
    const guests = await t.database.db.selectFrom('guests').select('email').where('account_id', '=', acc.id).orderBy('id').execute();
    expect(guests.map((g) => g.email)).toEqual(['b1@mail.example', 'b4@mail.example']);
    expect(await t.database.db.selectFrom('stays').select('id').where('account_id', '=', acc.id).execute()).toEqual([]);
  });

  it('records one import.completed event for the import, never one per guest or stay', async () => {
    const acc = await account('one-event');
    const hook = await t.app.inject({
      method: 'POST',
      url: '/admin/v1/webhooks',
      headers: { authorization: `Bearer ${acc.admin}` },
      payload: { url: 'https://hooks.example/openstay', events: ['*'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const file = path.join(dir, 'events.jsonl');
    fs.writeFileSync(file, jsonl(contacts(300)));
    const res = await runCli(['import', 'contacts', file, '--account', 'one-event', '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const deliveries = await t.database.db.selectFrom('deliveries').select(['event_type', 'payload']).where('account_id', '=', acc.id).execute();
    expect(deliveries.map((d) => d.event_type)).toEqual(['import.completed']);
    expect(JSON.parse(deliveries[0].payload).data).toMatchObject({ kind: 'contacts', imported: 300, failedCount: 0, linesRead: 300 });
  });

  it('prints a plain progress line per tenth when stderr is no terminal, and nothing of it with --json', async () => {
    await account('progress');
    const file = path.join(dir, 'progress.jsonl');
    fs.writeFileSync(file, jsonl(contacts(4500)));
    const res = await runCli(['import', 'contacts', file, '--account', 'progress'], env);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stderr.trim().split('\n');
    expect(res.stderr).not.toContain('\r');
    for (const line of lines) expect(line).toMatch(/^\[[#-]{30}\] \d+\/4500 lines \d+% \d+ lines\/s ETA (\d+:\d\d|-:--)$/);
    // A batch is 2,000 lines: progress after each (44 %, 88 %) and the end.
    expect(lines.map((l) => /lines (\d+)%/.exec(l)?.[1])).toEqual(['44', '88', '100']);
    const quiet = await runCli(['import', 'contacts', file, '--account', 'progress', '--json'], env);
    expect(quiet.stderr).toBe('');
    expect(JSON.parse(quiet.stdout)).toMatchObject({ kind: 'contacts', imported: 4500 });
  }, 120_000);
});
