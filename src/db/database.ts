import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import { sqliteLiteralLimits } from './sqlite-literal-limits.js';
import { registerSqliteHandle } from './held-connection.js';
import { batchedWriteLoad } from './sqlite-write-batch.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  /** SQLite: the database file (its WAL checkpoints: sqlite-checkpointer.ts) */
  file?: string;
  close(): Promise<void>;
  /** how busy the database's connections are, read by /metrics */
  load(): DatabaseLoad;
}

/**
 * PostgreSQL: the pool's connections (open, idle, the most it opens) and the queries waiting for
 * one. SQLite (one connection, writes grouped into shared commits): the writes waiting for the next
 * commit and those in the commit under way.
 */
export type DatabaseLoad =
  | { dialect: 'postgres'; total: number; idle: number; waiting: number; max: number }
  | { dialect: 'sqlite'; queuedWrites: number; committingWrites: number };

/** True when `db` (or a transaction of it) runs on PostgreSQL. */
export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Opens the database named by a normalised DATABASE_URL (see config.ts). */
export function openDatabase(url: string): DatabaseHandle {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  return openPostgres(url);
}

/** The file's directory must exist (src/config/database-check.ts creates only the default ./data). */
function openSqlite(file: string): DatabaseHandle {
  const raw = new SQLite(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  // The CLI and the server may share one file: wait for the other's write lock instead of failing.
  raw.pragma('busy_timeout = 5000');
  const handle = withStatementCache(raw);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: handle }), plugins: [sqliteLiteralLimits] });
  registerSqliteHandle(db, handle);
  const load = (): DatabaseLoad => {
    const { queued, running } = batchedWriteLoad(db);
    return { dialect: 'sqlite', queuedWrites: queued, committingWrites: running };
  };
  return { db, dialect: 'sqlite', file, close: () => db.destroy(), load };
}

// bigint (int8) columns hold epoch milliseconds and counts; they fit in a JS number.
const pgTypes = {
  getTypeParser(oid: number, format?: any) {
    if (oid === 20) return (value: string) => Number(value);
    if (oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

const POOL_MAX = 10;

function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: POOL_MAX, types: pgTypes as any });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const load = (): DatabaseLoad => ({ dialect: 'postgres', total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: POOL_MAX });
  return { db, dialect: 'postgres', close: () => db.destroy(), load };
}

/** Applies pending migrations; throws (never exits 0) when one fails. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when the database answers a trivial query. */
export async function databaseAnswers(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
