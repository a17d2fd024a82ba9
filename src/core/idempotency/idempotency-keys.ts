import type { Db } from '../../db/database.js';

/*
 * Idempotency-Key: a client that retries a POST (a timeout, a dropped connection) with the same key
 * gets the answer of the first attempt instead of a second row. One row per (account, credential,
 * key): inserted before the request runs, so the primary key decides which of two instances runs
 * it; completed with the answer to replay; kept 24 hours.
 */

/** How long a key and its answer are kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A key still running after this long belongs to a request that died (a crash): another may take it over. */
export const IDEMPOTENCY_TAKEOVER_MS = 60 * 1000;

/** Which key: keys are per account and credential, so two integrations never share one. */
export interface IdempotencyKeyRef {
  accountId: number;
  /** a hash of the credential that sent the key */
  credential: string;
  key: string;
}

export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What to do with a request carrying a key. */
export type IdempotencyClaim =
  | { outcome: 'run' } // the key is this request's: run it, then complete or release the key
  | { outcome: 'replay'; answer: StoredAnswer } // the same request was answered: send that answer again
  | { outcome: 'in_progress' } // the same key is held by a request still running: 409
  | { outcome: 'mismatch' }; // the key was used for another request: 422

/**
 * Takes the key for a request (identified by `requestHash`: method, path and body), or says why
 * not. Expired keys of the account are purged on the way (lazily, no background job).
 */
export async function claimIdempotencyKey(db: Db, ref: IdempotencyKeyRef, requestHash: string, now = Date.now()): Promise<IdempotencyClaim> {
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', ref.accountId)
    .where('created_at', '<', now - IDEMPOTENCY_TTL_MS)
    .execute();
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({
        account_id: ref.accountId,
        credential: ref.credential,
        key: ref.key,
        request_hash: requestHash,
        state: 'running',
        status: null,
        headers: null,
        body: null,
        created_at: now,
        locked_at: now,
      })
      .onConflict((oc) => oc.columns(['account_id', 'credential', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { outcome: 'run' };

    const row = await keyRow(db, ref).selectAll().executeTakeFirst();
    if (!row) continue; // released meanwhile: try to take it again
    if (row.request_hash !== requestHash) return { outcome: 'mismatch' };
    if (row.state === 'done') {
      return { outcome: 'replay', answer: { status: row.status ?? 200, headers: JSON.parse(row.headers ?? '{}'), body: row.body ?? '' } };
    }
    if (row.locked_at >= now - IDEMPOTENCY_TAKEOVER_MS) return { outcome: 'in_progress' };
    // The request that took the key died without an answer: take it over, unless another did first.
    const taken = await db
      .updateTable('idempotency_keys')
      .set({ locked_at: now })
      .where('account_id', '=', ref.accountId)
      .where('credential', '=', ref.credential)
      .where('key', '=', ref.key)
      .where('state', '=', 'running')
      .where('locked_at', '=', row.locked_at)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1 ? { outcome: 'run' } : { outcome: 'in_progress' };
  }
  return { outcome: 'in_progress' };
}

/** Stores the final answer of the request that holds the key, for replays. */
export async function completeIdempotencyKey(db: Db, ref: IdempotencyKeyRef, answer: StoredAnswer): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ state: 'done', status: answer.status, headers: JSON.stringify(answer.headers), body: answer.body })
    .where('account_id', '=', ref.accountId)
    .where('credential', '=', ref.credential)
    .where('key', '=', ref.key)
    .where('state', '=', 'running')
    .execute();
}

/** Gives the key up without an answer (a server error): a retry with it runs the request again. */
export async function releaseIdempotencyKey(db: Db, ref: IdempotencyKeyRef): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', ref.accountId)
    .where('credential', '=', ref.credential)
    .where('key', '=', ref.key)
    .where('state', '=', 'running')
    .execute();
}

function keyRow(db: Db, ref: IdempotencyKeyRef) {
  return db.selectFrom('idempotency_keys').where('account_id', '=', ref.accountId).where('credential', '=', ref.credential).where('key', '=', ref.key);
}
