import type { ChatDb } from './chat-db.js';

/** The most devices whose cursor a session keeps; the least recently seen go first. */
export const MAX_DEVICES_PER_SESSION = 20;

/** The highest sequence number sent to the device (0: it has seen nothing). */
export async function readDeviceCursor(db: ChatDb, accountId: number, sessionId: number, deviceId: string): Promise<number> {
  const row = await db
    .selectFrom('chat_device_cursors')
    .select('seq')
    .where('account_id', '=', accountId)
    .where('session_id', '=', sessionId)
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  return row ? Number(row.seq) : 0;
}

/**
 * Records that the device was sent everything up to `seq` (never moving it back), and forgets the
 * session's least recently seen devices beyond MAX_DEVICES_PER_SESSION.
 */
export async function saveDeviceCursor(db: ChatDb, accountId: number, sessionId: number, deviceId: string, seq: number, now = Date.now()): Promise<void> {
  await db
    .insertInto('chat_device_cursors')
    .values({ account_id: accountId, session_id: sessionId, device_id: deviceId, seq, updated_at: now })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'session_id', 'device_id'])
        .doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq'), updated_at: now }))
        .where('chat_device_cursors.seq', '<', seq),
    )
    .execute();
  const stale = await db
    .selectFrom('chat_device_cursors')
    .select('device_id')
    .where('account_id', '=', accountId)
    .where('session_id', '=', sessionId)
    .orderBy('updated_at', 'desc')
    .orderBy('device_id')
    .offset(MAX_DEVICES_PER_SESSION)
    .limit(100)
    .execute();
  if (stale.length > 0) {
    await db
      .deleteFrom('chat_device_cursors')
      .where('account_id', '=', accountId)
      .where('session_id', '=', sessionId)
      .where(
        'device_id',
        'in',
        stale.map((s) => s.device_id),
      )
      .execute();
  }
}
