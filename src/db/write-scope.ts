import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// Db as database.ts names it, spelt out here: sqlite-write-batch.ts imports this module and database.ts reads that one.
type Db = Kysely<Database>;

/*
 * What a write of inWriteTransaction (write-transaction.ts) leaves to run around its commit:
 * - hooks that run once the commit is done (afterCommit: wake a worker, hand it a job), never
 *   after a rollback;
 * - work left to the end of the write's transaction (atEndOfWrite), still inside it, run for all
 *   the writes that left work of one kind together. On SQLite the writes that share a group
 *   commit (sqlite-write-batch.ts) leave theirs to the end of that batch, so many writes' rows go
 *   into one multi-row statement instead of a statement each (the rules that fire on a batch of
 *   ContactEvents: core/journeys/fire-rules.ts). Rolled back with the writes; the writes are
 *   answered only after it ran and committed.
 */

/** A kind of work left to the end of a write. */
export interface EndOfWrite<Item> {
  /** runs the items the writes of one transaction left, in the order they were left, inside that transaction */
  run(trx: Db, items: Item[]): Promise<void>;
}

export interface LeftWork {
  kind: EndOfWrite<unknown>;
  item: unknown;
}

/** What one write (or one batch's end work) has registered. */
export interface WriteScope {
  hooks: Array<() => void>;
  endWork: LeftWork[];
}

const scopes = new WeakMap<Db, WriteScope>();

export const newWriteScope = (): WriteScope => ({ hooks: [], endWork: [] });

/** Runs `work` with `scope` as what `trx` names: a write's registrations land in its scope. */
export async function inWriteScope<T>(trx: Db, scope: WriteScope, work: () => Promise<T>): Promise<T> {
  // On SQLite the writes of one batch share its connection, one after the other: `trx` names this write while it runs.
  scopes.set(trx, scope);
  try {
    return await work();
  } finally {
    if (scopes.get(trx) === scope) scopes.delete(trx);
  }
}

/**
 * Registers `hook` to run once `trx`'s transaction has committed; false when `trx` is not a
 * transaction of inWriteTransaction (the caller then has to signal some other way).
 */
export function afterCommit(trx: Db, hook: () => void): boolean {
  const scope = scopes.get(trx);
  if (!scope) return false;
  scope.hooks.push(hook);
  return true;
}

/** Whether `trx` is a transaction of inWriteTransaction (afterCommit will run what it is given). */
export function inTrackedTransaction(trx: Db): boolean {
  return scopes.has(trx);
}

/**
 * Leaves `item` to `kind` at the end of `trx`'s transaction (see above); false when `trx` is not a
 * transaction of inWriteTransaction: the caller then does the work itself, now.
 */
export function atEndOfWrite<Item>(trx: Db, kind: EndOfWrite<Item>, item: Item): boolean {
  const scope = scopes.get(trx);
  if (!scope) return false;
  scope.endWork.push({ kind: kind as EndOfWrite<unknown>, item });
  return true;
}

/**
 * Runs the left work in `trx`, each kind once with its items in order, inside `scope` (so what it
 * registers after the commit runs with the scope's hooks). Work it leaves in turn runs after it.
 */
export async function runEndWork(trx: Db, scope: WriteScope, left: readonly LeftWork[]): Promise<void> {
  let pending = left;
  while (pending.length > 0) {
    const byKind = new Map<EndOfWrite<unknown>, unknown[]>();
    for (const { kind, item } of pending) {
      const items = byKind.get(kind);
      if (items) items.push(item);
      else byKind.set(kind, [item]);
    }
    scope.endWork = [];
    await inWriteScope(trx, scope, async () => {
      for (const [kind, items] of byKind) await kind.run(trx, items);
    });
    pending = scope.endWork;
  }
}

/** Runs hooks registered with afterCommit; a hook is a signal, its failure does not undo the committed write. */
export function runCommitHooks(hooks: ReadonlyArray<() => void>): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // see above
    }
  }
}
