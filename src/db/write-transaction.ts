import { isPostgres, type Db } from './database.js';
import { batchedWrite } from './sqlite-write-batch.js';

/**
 * Runs `work` as one atomic write and resolves once it is committed: on SQLite in the next group
 * commit (sqlite-write-batch.ts: writes that arrive together share one commit), on PostgreSQL in
 * a transaction of its own. `work` uses only the `trx` it is given: it must not open a transaction
 * or query through `db` (on SQLite that waits for the connection the batch holds: a deadlock).
 */
export function inWriteTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return isPostgres(db) ? db.transaction().execute(work) : batchedWrite(db, { work: (trx) => work(trx) });
}
