import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';

// Any Kysely instance (database.ts's Db included): database.ts registers its handles here, so
// this module does not import it.
type Db = Kysely<any>;

/*
 * SQLite: statements run straight on the connection a group commit holds. Kysely runs each query
 * through its executor, the connection provider, the driver's connection and the plugins' result
 * transforms, five to eight promise hops and their allocations for a statement that better-sqlite3
 * runs synchronously in 1-4 µs. While a batch (sqlite-write-batch.ts) holds the one connection,
 * nothing else can use it (Kysely's driver lends it to one holder at a time, and every statement
 * of the batch is awaited in turn), so a compiled query given the batch's `trx` can run on the
 * better-sqlite3 handle at once, exactly as Kysely's SqliteConnection would run it: same SQL
 * text, same parameters, same statement cache, same result shape. Any other Db (the root
 * database, a Kysely transaction, PostgreSQL) still goes through Kysely.
 */

const handles = new WeakMap<Db, BetterSqlite3.Database>();
const held = new WeakMap<Db, BetterSqlite3.Database>();

/** Records the better-sqlite3 handle (statement cache included) Kysely was given for `db`. */
export function registerSqliteHandle(db: Db, handle: BetterSqlite3.Database): void {
  handles.set(db, handle);
}

/**
 * Runs `work` with `conn` (a single connection of `root`, held for the whole call) marked as held:
 * compiled queries given `conn` run directly on the handle until `work` settles.
 */
export async function whileHeld<T>(root: Db, conn: Db, work: () => Promise<T>): Promise<T> {
  const handle = handles.get(root);
  if (!handle) return work();
  held.set(conn, handle);
  try {
    return await work();
  } finally {
    held.delete(conn);
  }
}

/**
 * Runs a compiled query on `db`: directly when `db` is a connection a batch holds (see above),
 * else through Kysely. Its result transforms must be none (the SQLite plugins' are identities).
 */
export function executeCompiled<R>(db: Db, query: CompiledQuery<R>): Promise<QueryResult<R>> {
  const handle = held.get(db);
  if (!handle) return db.executeQuery(query);
  try {
    const stmt = handle.prepare(query.sql);
    if (stmt.reader) return Promise.resolve({ rows: stmt.all(query.parameters as unknown[]) as R[] });
    const { changes, lastInsertRowid } = stmt.run(query.parameters as unknown[]);
    return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
  } catch (err) {
    return Promise.reject(err);
  }
}
