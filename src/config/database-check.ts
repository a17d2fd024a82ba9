import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { ConfigError, type Config } from './config.js';

/*
 * A database that cannot be used is a configuration error: one line naming DATABASE_URL and what is
 * wrong (exit 2), never a stack or a migration failure. Checked before anything is written.
 */

/** The only directory created when missing: the default ./data. A directory the user names must exist. */
const DEFAULT_DIRECTORY = 'data';

/** How long a PostgreSQL server may take to accept the first connection. */
const CONNECT_TIMEOUT_MS = 10_000;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** DATABASE_URL as an operator reads it in a message: `sqlite:./data/openstay.db`, a postgres URL without its password. */
export function describeDatabase(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    return `sqlite:${file === ':memory:' || path.isAbsolute(file) || file.startsWith('.') ? file : `./${file}`}`;
  }
  try {
    const url = new URL(databaseUrl);
    url.password = '';
    return url.toString();
  } catch {
    return 'postgres';
  }
}

/**
 * SQLite: the file's directory must exist (./data, the default, is created) and a file already
 * there must be an SQLite database. Throws ConfigError; nothing else is checked for PostgreSQL here.
 */
export function checkDatabaseLocation(databaseUrl: string): void {
  if (!databaseUrl.startsWith('sqlite:')) return;
  const file = databaseUrl.slice('sqlite:'.length);
  if (file === ':memory:') return;
  const resolved = path.resolve(file);
  const directory = path.dirname(resolved);
  if (!fs.existsSync(directory)) {
    if (directory !== path.resolve(DEFAULT_DIRECTORY)) {
      throw new ConfigError(
        `configuration error: DATABASE_URL names ${describeDatabase(databaseUrl)}, but the directory ${directory} does not exist (create it first; only the default ./data is created)`,
      );
    }
    fs.mkdirSync(directory, { recursive: true });
  }
  if (!fs.statSync(directory).isDirectory())
    throw new ConfigError(`configuration error: DATABASE_URL names ${describeDatabase(databaseUrl)}, but ${directory} is not a directory`);
  if (!fs.existsSync(resolved)) return;
  if (!fs.statSync(resolved).isFile()) throw new ConfigError(`configuration error: DATABASE_URL names ${resolved}, which is not a file`);
  if (!hasSqliteHeader(resolved)) throw new ConfigError(`configuration error: DATABASE_URL names ${resolved}, which is not an SQLite database`);
}

/** An empty file is one SQLite makes into a database; anything else must start with SQLite's header. */
function hasSqliteHeader(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    return read === 0 || (read === head.length && head.equals(SQLITE_HEADER));
  } finally {
    fs.closeSync(fd);
  }
}

/** What a failed first connection to PostgreSQL says about the configuration, or undefined when it is not a configuration problem. */
export function postgresProblem(err: unknown, databaseUrl: string): ConfigError | undefined {
  const url = new URL(databaseUrl);
  const where = `${url.hostname}:${url.port || 5432}`;
  const database = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres';
  const e = err as { code?: string; message?: string; errors?: Array<{ code?: string }> };
  const code = e?.code ?? e?.errors?.find((inner) => inner.code)?.code;
  const say = (what: string) => new ConfigError(`configuration error: DATABASE_URL (${describeDatabase(databaseUrl)}): ${what}`);
  switch (code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return say(`cannot reach PostgreSQL at ${where} (${code})`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return say(`host ${url.hostname} is not known (${code})`);
    case '3D000':
      return say(`database "${database}" does not exist on ${where} (create it, e.g. createdb ${database})`);
    case '28000':
    case '28P01':
      return say(`${e.message ?? 'authentication failed'} on ${where}`);
    case '42501':
      return say(`${e.message ?? 'permission denied'}`);
  }
  if (/timeout/i.test(e?.message ?? '')) return say(`PostgreSQL at ${where} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`);
  return undefined;
}

/** Connects once, with a deadline, so that an unreachable or misnamed PostgreSQL is reported before the pool is used. */
async function probePostgres(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw postgresProblem(err, databaseUrl) ?? err;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Opens the configured database after checking that it can be used (see above); the server and
 * every CLI command open it here. Throws ConfigError (exit 2) when it cannot.
 */
export async function openConfiguredDatabase(config: Pick<Config, 'databaseUrl'>): Promise<DatabaseHandle> {
  checkDatabaseLocation(config.databaseUrl);
  if (!config.databaseUrl.startsWith('sqlite:')) await probePostgres(config.databaseUrl);
  try {
    return openDatabase(config.databaseUrl);
  } catch (err) {
    // SQLite: a file it cannot open (permissions, a directory removed meanwhile).
    throw new ConfigError(`configuration error: DATABASE_URL (${describeDatabase(config.databaseUrl)}): ${(err as Error).message}`);
  }
}
