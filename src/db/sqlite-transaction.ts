import { CompiledQuery } from 'kysely';
import type { Db } from './database.js';

const BEGIN = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/**
 * SQLite: runs `work` in a `begin immediate` transaction, then `committed` with its result once
 * the commit has succeeded and before any other statement can run (kysely's SQLite driver has one
 * connection, and it is still held). That is the moment an in-memory copy of what was written
 * matches the database exactly: not before the commit (it may fail), not after the release
 * (another transaction may have begun). Rolls back when `work` or the commit fails.
 */
export function sqliteTransaction<T>(db: Db, work: (trx: Db) => Promise<T>, committed: (result: T) => void): Promise<T> {
  return db.connection().execute(async (conn) => {
    await conn.executeQuery(BEGIN);
    let result: T;
    try {
      result = await work(conn);
      await conn.executeQuery(COMMIT);
    } catch (err) {
      // After a failed commit SQLite may already have rolled back: nothing left to undo then.
      await conn.executeQuery(ROLLBACK).catch(() => undefined);
      throw err;
    }
    committed(result);
    return result;
  });
}
