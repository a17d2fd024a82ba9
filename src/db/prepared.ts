import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './database.js';
import { executeCompiled } from './held-connection.js';

/*
 * Kysely builds an immutable query tree and compiles it to SQL on every call, which costs more
 * than running a short SQLite statement. For hot queries whose shape does not depend on the
 * argument values, `prepared` builds and compiles the query once per dialect with marker
 * arguments, remembers where each argument lands in the compiled parameters, and afterwards only
 * swaps the values in before handing the compiled query to `db.executeQuery` (so it runs on the
 * connection of `db`, a transaction included). The SQLite adapter then reuses its prepared
 * statement for the same SQL text (sqlite-statement-cache.ts).
 *
 * Rules for `build`: pass every argument straight to Kysely as a value (`where(col, '=', arg)`,
 * `values({col: arg})`, `set({col: arg})`), never branch on it or transform it, and use each
 * argument at least once. An argument inlined into the SQL text or dropped is a programming error
 * and throws on the first call. `undefined` is refused at run time (Kysely would have left the
 * column out of the query); pass null instead.
 */
const MARK = '\u0000openstay-arg:';

interface Template {
  sql: string;
  query: CompiledQuery['query'];
  queryId: CompiledQuery['queryId'];
  /** for each compiled parameter: the index of the argument it takes, or -1 for a constant */
  slots: number[];
  constants: unknown[];
}

/** A query whose shape is fixed: compiled once per dialect, then run with new argument values. */
export function prepared<A extends unknown[], R>(build: (db: Db, ...args: A) => Compilable<R>): (db: Db, ...args: A) => Promise<QueryResult<R>> {
  const arity = build.length - 1;
  // One template per dialect: keyed by the adapter's class (SqliteAdapter, PostgresAdapter...).
  const templates = new Map<unknown, Template>();
  return (db: Db, ...args: A): Promise<QueryResult<R>> => {
    const dialect = db.getExecutor().adapter.constructor;
    let template = templates.get(dialect);
    if (!template) {
      try {
        template = compileTemplate(db, build, arity);
      } catch (err) {
        return Promise.reject(err);
      }
      templates.set(dialect, template);
    }
    return run(db, template, args);
  };
}

/**
 * Like `prepared`, for a query whose shape is named by `shape` (e.g. the comma-separated columns
 * an UPDATE sets): one template per dialect and shape, at most `maxShapes` of them (beyond that a
 * query is built and compiled on each call, as Kysely does). `build` must give the same query for
 * the same shape, and take every argument as a value (see above).
 */
export function preparedShapes<R>(
  build: (db: Db, shape: string, ...args: unknown[]) => Compilable<R>,
  maxShapes = 256,
): (db: Db, shape: string, ...args: unknown[]) => Promise<QueryResult<R>> {
  const templates = new Map<unknown, Map<string, Template>>();
  return (db: Db, shape: string, ...args: unknown[]): Promise<QueryResult<R>> => {
    const dialect = db.getExecutor().adapter.constructor;
    let byShape = templates.get(dialect);
    if (!byShape) {
      byShape = new Map();
      templates.set(dialect, byShape);
    }
    let template = byShape.get(shape);
    if (!template) {
      if (byShape.size >= maxShapes) return db.executeQuery<R>(build(db, shape, ...args));
      try {
        template = compileTemplate(db, (d: Db, ...marks: unknown[]) => build(d, shape, ...marks), args.length);
      } catch (err) {
        return Promise.reject(err);
      }
      byShape.set(shape, template);
    }
    return run(db, template, args);
  };
}

function run<R>(db: Db, template: Template, args: unknown[]): Promise<QueryResult<R>> {
  const { slots, constants } = template;
  const parameters = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i];
    if (slot < 0) {
      parameters[i] = constants[i];
      continue;
    }
    const value = args[slot];
    if (value === undefined) return Promise.reject(new TypeError(`prepared query: argument ${slot + 1} is undefined (pass null)`));
    parameters[i] = value;
  }
  return executeCompiled<R>(db, { sql: template.sql, query: template.query, queryId: template.queryId, parameters } as CompiledQuery<R>);
}

function compileTemplate<A extends unknown[], R>(db: Db, build: (db: Db, ...args: A) => Compilable<R>, arity: number): Template {
  if (arity < 0) throw new Error('prepared query: build must take (db, ...args)');
  const marks = Array.from({ length: arity }, (_, i) => `${MARK}${i}`) as unknown as A;
  const compiled = build(db, ...marks).compile();
  if (compiled.sql.includes(MARK)) throw new Error('prepared query: an argument was inlined into the SQL text');
  const slots: number[] = [];
  const constants: unknown[] = [];
  const used = new Set<number>();
  for (const p of compiled.parameters) {
    if (typeof p === 'string' && p.startsWith(MARK)) {
      const index = Number(p.slice(MARK.length));
      slots.push(index);
      constants.push(undefined);
      used.add(index);
    } else {
      if (typeof p === 'string' && p.includes(MARK)) throw new Error('prepared query: an argument was transformed before it reached Kysely');
      slots.push(-1);
      constants.push(p);
    }
  }
  if (used.size !== arity) throw new Error(`prepared query: ${arity - used.size} of ${arity} arguments do not reach the query`);
  return { sql: compiled.sql, query: compiled.query, queryId: compiled.queryId, slots, constants };
}
