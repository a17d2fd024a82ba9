import type BetterSqlite3 from 'better-sqlite3';

/**
 * Wraps a better-sqlite3 connection so that Kysely's SqliteDriver, which calls `prepare(sql)` for
 * every query, reuses one prepared statement per SQL text. Compiling a statement costs more than
 * running a small one, so this roughly doubles the rate of short writes (see docs/performance.md).
 * It also turns Kysely's `begin` into `begin immediate` (see below).
 */
export function withStatementCache(db: BetterSqlite3.Database, maxEntries = 2000): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (text: string) => {
    // Transactions take the write lock when they begin: a deferred transaction that reads and
    // then writes fails with SQLITE_BUSY when another process (the CLI) wrote in between.
    const source = text === 'begin' ? 'begin immediate' : text;
    let stmt = cache.get(source);
    if (!stmt) {
      if (cache.size >= maxEntries) cache.clear();
      stmt = db.prepare(source);
      cache.set(source, stmt);
    }
    return stmt;
  };
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'prepare') return prepare;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
