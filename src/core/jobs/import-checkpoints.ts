import type { Db } from '../../db/database.js';

/*
 * The committed progress of a file import (`openstay import contacts <file>`), keyed by account,
 * import kind and the file's identity (its size and content hash): each batch saves it in its own
 * transaction, so after a kill the same command finds the state of the last committed batch and
 * continues from the line after it. A finished import removes its checkpoint (importing the file
 * again then updates from the first line, as before).
 */

export interface CheckpointKey {
  accountId: number;
  kind: string;
  fileKey: string;
}

/** The state saved for this file, or undefined when no interrupted import of it is pending. */
export async function loadImportCheckpoint<T>(db: Db, key: CheckpointKey): Promise<{ id: number; state: T } | undefined> {
  const row = await db
    .selectFrom('import_checkpoints')
    .select(['id', 'state'])
    .where('account_id', '=', key.accountId)
    .where('kind', '=', key.kind)
    .where('file_key', '=', key.fileKey)
    .executeTakeFirst();
  return row ? { id: Number(row.id), state: JSON.parse(row.state) as T } : undefined;
}

/** Saves the state (in the transaction of the batch it describes); returns the checkpoint's id. */
export async function saveImportCheckpoint(db: Db, key: CheckpointKey, state: unknown, now = Date.now()): Promise<void> {
  const text = JSON.stringify(state);
  await db
    .insertInto('import_checkpoints')
    .values({ account_id: key.accountId, kind: key.kind, file_key: key.fileKey, state: text, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'kind', 'file_key']).doUpdateSet({ state: text, updated_at: now }))
    .execute();
}

/** Removes the checkpoint of a finished import. */
export async function clearImportCheckpoint(db: Db, key: CheckpointKey): Promise<void> {
  await db.deleteFrom('import_checkpoints').where('account_id', '=', key.accountId).where('kind', '=', key.kind).where('file_key', '=', key.fileKey).execute();
}
