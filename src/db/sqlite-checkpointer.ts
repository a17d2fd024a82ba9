import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Db } from './database.js';

/*
 * SQLite's WAL checkpoints, mostly off the event loop. The automatic checkpoint runs inside the
 * commit that grows the WAL past wal_autocheckpoint pages (1,000 by default): that commit copies
 * the WAL's pages into the database file and syncs both files, on the thread that committed, which
 * in this server is the event loop (better-sqlite3 is synchronous): about 90 µs of every commit
 * on average under load, and a stall of milliseconds in the commit that does it. Here a worker
 * thread with a connection of its own runs a PASSIVE checkpoint every CHECKPOINT_EVERY_MS: it
 * copies what no reader still needs without taking the write lock, while the server goes on
 * writing. The server's connection keeps an automatic checkpoint at BACKSTOP_PAGES: a WAL is only
 * started again from its beginning after a checkpoint that copied all of it, which a thread racing
 * a busy writer seldom manages, so now and then the server's own finishes the tail (most of it
 * already copied) and the WAL stays bounded. Should the thread fail, that checkpoint is all there
 * is, as before: nothing is lost either way (a checkpoint only copies committed pages).
 */

const CHECKPOINT_EVERY_MS = 25;
/** The server connection's own automatic checkpoint, a backstop (about 40 MB of WAL) */
const BACKSTOP_PAGES = 10_000;

// Runs in the worker thread: plain CommonJS (an eval worker), better-sqlite3 required by its resolved path.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing the WAL of the database `file` in a worker thread (see above). */
export async function startCheckpointer(db: Db, file: string, log?: (msg: string) => void): Promise<Checkpointer> {
  await sql.raw(`pragma wal_autocheckpoint = ${BACKSTOP_PAGES}`).execute(db);
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, module, everyMs: CHECKPOINT_EVERY_MS } });
  // A checkpoint thread that fails leaves the automatic checkpoint of the server's connection: nothing is lost.
  worker.on('message', (m: { error?: string }) => {
    if (m.error) log?.(`WAL checkpoint failed: ${m.error}`);
  });
  worker.on('error', (err: Error) => log?.(`WAL checkpoint thread stopped: ${err.message}`));
  worker.unref();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        // Held while it stops: an unreferenced thread would let a process with nothing else left exit before it did (exit code 0 mid-shutdown).
        worker.ref();
        worker.postMessage('stop');
        setTimeout(() => void worker.terminate(), 2_000).unref();
      });
      return stopped;
    },
  };
}
