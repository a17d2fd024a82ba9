import { isPostgres, type Db } from './database.js';
import { batchedWrite } from './sqlite-write-batch.js';
import { inWriteScope, newWriteScope, runCommitHooks, runEndWork } from './write-scope.js';

export { afterCommit, atEndOfWrite, inTrackedTransaction, type EndOfWrite } from './write-scope.js';

/**
 * Runs `work` as one atomic write and resolves once it is committed: on SQLite in the next group
 * commit (sqlite-write-batch.ts: writes that arrive together share one commit), on PostgreSQL in
 * a transaction of its own. `work` uses only the `trx` it is given: it must not open a transaction
 * or query through `db` (on SQLite that waits for the connection the batch holds: a deadlock).
 * What `work` left with atEndOfWrite runs at the end of the transaction (write-scope.ts); what it
 * registered with afterCommit runs once the commit is done (not after a rollback). On SQLite
 * `work` may run a second time, alone, when the end work of another write of its batch failed:
 * what it does outside the database must bear that (assignments, not appends).
 */
export async function inWriteTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  const scope = newWriteScope();
  const run = (trx: Db): Promise<T> => {
    // A write the batch runs again (its end work failed with other writes': sqlite-write-batch.ts) starts afresh.
    scope.hooks = [];
    scope.endWork = [];
    return inWriteScope(trx, scope, () => work(trx));
  };
  let result: T;
  if (isPostgres(db)) {
    result = await db.transaction().execute(async (trx) => {
      const value = await run(trx);
      await runEndWork(trx, scope, scope.endWork);
      return value;
    });
  } else {
    result = await batchedWrite(db, { work: (trx) => run(trx), endWork: () => scope.endWork });
  }
  runCommitHooks(scope.hooks);
  return result;
}
