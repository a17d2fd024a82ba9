import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle, type Dialect } from '../../src/db/database.js';
import { utcDay } from '../../src/core/feedback/dates.js';

/**
 * The dialects storage tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL names a
 * server (CI always sets it). Use with describe.each(dialects()).
 */
export function dialects(): Dialect[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestDatabase extends DatabaseHandle {
  url: string;
  /** closes and drops the database */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database of the dialect: a temp file, or a new PostgreSQL database. Copied from
 * the run's migrated template when there is one (test/setup/migrated-templates.ts), else migrated.
 * With `demo` the copy already holds the demo account (ensureDemoAccount then finds it and only
 * issues tokens) when the run made that template today.
 */
export async function createTestDatabase(dialect: Dialect, { demo = false }: { demo?: boolean } = {}): Promise<TestDatabase> {
  // The demo template's history is dated from the real day it was seeded (test/setup/migrated-templates.ts).
  // test-rules: allow clock (not a test's "today": whether the real day is still the template's)
  const withDemo = demo && inject('demoTemplateDay') === utcDay(Date.now());
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-test-'));
    const file = path.join(dir, 'test.db');
    const template = inject(withDemo ? 'sqliteDemoTemplate' : 'sqliteTemplate');
    if (template) fs.copyFileSync(template, file);
    const url = `sqlite:${file}`;
    const handle = openDatabase(url);
    if (!template) await migrateToLatest(handle.db);
    return {
      ...handle,
      url,
      destroy: async () => {
        await handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `openstay_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const template = inject(withDemo ? 'postgresDemoTemplate' : 'postgresTemplate');
  await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = openDatabase(url.toString());
  if (!template) await migrateToLatest(handle.db);
  return {
    ...handle,
    url: url.toString(),
    destroy: async () => {
      await handle.close();
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
