import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';

/*
 * Test databases start as copies of one database migrated once per run (test/helpers/database.ts):
 * a SQLite file copied, a PostgreSQL database created with TEMPLATE. Migrating each of the ~150
 * databases of a run took a third of a second each on PostgreSQL. The migrations themselves are
 * still run, down and up, by test/migrations.test.ts.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** a migrated SQLite file to copy */
    sqliteTemplate: string;
    /** the name of a migrated PostgreSQL database to create test databases from, when TEST_DATABASE_URL is set */
    postgresTemplate: string | undefined;
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openstay-template-'));
  const file = path.join(dir, 'template.db');
  const sqlite = openDatabase(`sqlite:${file}`);
  await migrateToLatest(sqlite.db);
  // Closing the only connection checkpoints the WAL into the file: the file alone is the database.
  await sqlite.close();
  project.provide('sqliteTemplate', file);

  const serverUrl = process.env.TEST_DATABASE_URL;
  let template: string | undefined;
  if (serverUrl) {
    template = `openstay_template_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl, `create database ${template}`);
    const url = new URL(serverUrl);
    url.pathname = `/${template}`;
    const handle = openDatabase(url.toString());
    try {
      await migrateToLatest(handle.db);
    } finally {
      // CREATE DATABASE ... TEMPLATE refuses a template anyone is connected to.
      await handle.close();
    }
  }
  project.provide('postgresTemplate', template);

  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (serverUrl && template) await adminQuery(serverUrl, `drop database if exists ${template} with (force)`);
  };
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
