import { CompiledQuery } from 'kysely';
import { isPostgres, type Db } from './database.js';
import { executeCompiled } from './held-connection.js';

/*
 * SQLite only: a value that is the same twice only if the database was not changed in between.
 * total_changes() counts the rows every INSERT, UPDATE and DELETE of this process's connection
 * changed (one connection per process: kysely's SqliteDriver), rolled-back ones included;
 * data_version moves when another connection (the CLI, another process) commits. A cache that
 * remembers the stamp under which it was filled knows, with one cheap statement, that nothing
 * else wrote since. Schema changes of this connection are not counted: migrations run before
 * anything is cached.
 */
const STAMP = CompiledQuery.raw('select total_changes() as changes, data_version as version from pragma_data_version');

/** The database's change stamp (see above); undefined on PostgreSQL, which has no such counter. */
export async function changeStamp(db: Db): Promise<string | undefined> {
  if (isPostgres(db)) return undefined;
  const row = (await executeCompiled<{ changes: number; version: number }>(db, STAMP)).rows[0];
  return `${row.changes}:${row.version}`;
}

const scheduled = new WeakMap<Db, Promise<string | undefined>>();

/**
 * The change stamp read by one statement that starts after this call; the calls made before that
 * statement starts share it. It starts in the event loop's check phase, after the requests that
 * arrived together have all asked: reading the stamp opens a read transaction (file-lock system
 * calls), which costs more than the rest of an unchanged contact resend.
 */
export function sharedChangeStamp(db: Db): Promise<string | undefined> {
  if (isPostgres(db)) return Promise.resolve(undefined);
  let read = scheduled.get(db);
  if (!read) {
    read = new Promise((resolve, reject) => {
      setImmediate(() => {
        scheduled.delete(db);
        changeStamp(db).then(resolve, reject);
      });
    });
    scheduled.set(db, read);
  }
  return read;
}
