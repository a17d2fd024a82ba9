import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { seedDemoAccount } from '../../src/core/demo/seed-demo.js';
import { utcDay } from '../../src/core/feedback/dates.js';

/*
 * Test databases start as copies of one database migrated once per run (test/helpers/database.ts):
 * a SQLite file copied, a PostgreSQL database created with TEMPLATE. Migrating each of the ~150
 * databases of a run took a third of a second each on PostgreSQL. The migrations themselves are
 * still run, down and up, by test/migrations.test.ts.
 *
 * A second template holds the demo account as well (seedDemoAccount: ~5,300 statements, 3.3 s on
 * PostgreSQL, 0.8 s on SQLite), for the files that start from the demo (createTestApp's `demo`
 * option); seeding it once instead of in some 35 databases saves a minute of the workers' time.
 * The demo's history is dated from the day it is seeded, so a database made on a later day (a
 * run across midnight) starts from the plain template and seeds its own.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** a migrated SQLite file to copy */
    sqliteTemplate: string;
    /** the name of a migrated PostgreSQL database to create test databases from, when TEST_DATABASE_URL is set */
    postgresTemplate: string | undefined;
    /** the same templates holding the demo account (seedDemoAccount), and the UTC day it was seeded */
    sqliteDemoTemplate: string;
    postgresDemoTemplate: string | undefined;
    demoTemplateDay: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-template-'));
  const serverUrl = process.env.TEST_DATABASE_URL;
  // test-rules: allow clock (the real day the demo's history is dated from, as seedDemoAccount dates it)
  const demoDay = utcDay(Date.now());
  // The two dialects' templates are independent: made at the same time (PostgreSQL works in its own process).
  const [sqlite, postgres] = await Promise.all([sqliteTemplates(dir), serverUrl ? postgresTemplates(serverUrl) : undefined]);
  project.provide('sqliteTemplate', sqlite.plain);
  project.provide('sqliteDemoTemplate', sqlite.demo);
  project.provide('postgresTemplate', postgres?.plain);
  project.provide('postgresDemoTemplate', postgres?.demo);
  project.provide('demoTemplateDay', demoDay);

  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (serverUrl && postgres) {
      await adminQuery(serverUrl, `drop database if exists ${postgres.plain} with (force)`);
      await adminQuery(serverUrl, `drop database if exists ${postgres.demo} with (force)`);
    }
  };
}

/** A migrated SQLite file, and a copy of it holding the demo account. */
async function sqliteTemplates(dir: string): Promise<{ plain: string; demo: string }> {
  const plain = path.join(dir, 'template.db');
  const sqlite = openDatabase(`sqlite:${plain}`);
  await migrateToLatest(sqlite.db);
  // Closing the only connection checkpoints the WAL into the file: the file alone is the database.
  await sqlite.close();
  const demo = path.join(dir, 'demo-template.db');
  fs.copyFileSync(plain, demo);
  const seeded = openDatabase(`sqlite:${demo}`);
  try {
    await seedDemoAccount(seeded.db);
  } finally {
    await seeded.close();
  }
  return { plain, demo };
}

/** A migrated PostgreSQL database, and one made from it holding the demo account (their names). */
async function postgresTemplates(serverUrl: string): Promise<{ plain: string; demo: string }> {
  const plain = `openstay_template_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const demo = `${plain}_demo`;
  await adminQuery(serverUrl, `create database ${plain}`);
  await withDatabase(serverUrl, plain, (db) => migrateToLatest(db));
  await adminQuery(serverUrl, `create database ${demo} template ${plain}`);
  await withDatabase(serverUrl, demo, (db) => seedDemoAccount(db));
  return { plain, demo };
}

/** Runs `work` on the named database of the server, then closes it: CREATE DATABASE ... TEMPLATE refuses a template anyone is connected to. */
async function withDatabase(serverUrl: string, name: string, work: (db: Db) => Promise<unknown>): Promise<void> {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = openDatabase(url.toString());
  try {
    await work(handle.db);
  } finally {
    await handle.close();
  }
}

async function adminQuery(serverUrl: string, query: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}
