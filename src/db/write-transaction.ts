import { isPostgres, type Db } from './database.js';
import { batchedWrite } from './sqlite-write-batch.js';

/** What runs once the write transaction of a `trx` has committed (afterCommit). */
const commitHooks = new WeakMap<Db, Array<() => void>>();

/**
 * Runs `work` as one atomic write and resolves once it is committed: on SQLite in the next group
 * commit (sqlite-write-batch.ts: writes that arrive together share one commit), on PostgreSQL in
 * a transaction of its own. `work` uses only the `trx` it is given: it must not open a transaction
 * or query through `db` (on SQLite that waits for the connection the batch holds: a deadlock).
 * What `work` registered with afterCommit runs once the commit is done (not after a rollback).
 */
export async function inWriteTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  const hooks: Array<() => void> = [];
  // On SQLite the writes of one batch share its connection, one after the other: `trx` names this write while it runs.
  const tracked = async (trx: Db): Promise<T> => {
    commitHooks.set(trx, hooks);
    try {
      return await work(trx);
    } finally {
      if (commitHooks.get(trx) === hooks) commitHooks.delete(trx);
    }
  };
  const result = await (isPostgres(db) ? db.transaction().execute(tracked) : batchedWrite(db, { work: (trx) => tracked(trx) }));
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // a hook is a signal (wake a worker); its failure does not undo the committed write
    }
  }
  return result;
}

/**
 * Registers `hook` to run once `trx`'s transaction has committed; false when `trx` is not a
 * transaction of inWriteTransaction (the caller then has to signal some other way).
 */
export function afterCommit(trx: Db, hook: () => void): boolean {
  const hooks = commitHooks.get(trx);
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}

/** Whether `trx` is a transaction of inWriteTransaction (afterCommit will run what it is given). */
export function inTrackedTransaction(trx: Db): boolean {
  return commitHooks.has(trx);
}
