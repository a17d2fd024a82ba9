import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { notify, onNoticeChannel } from '../../db/notices.js';

/*
 * Telling the other instances on one PostgreSQL database that deliveries were queued, so that
 * their workers claim at once instead of at their next poll. The notice is sent after the commit
 * (never with a delivery that is not there yet) on a pooled connection, outside the enqueueing
 * transaction: a NOTIFY inside it would serialize the commits of every transaction that sends one.
 * Notices coalesce: at most one in flight per process, and one more after it when deliveries were
 * queued meanwhile. The payload names the sending process, which ignores its own notices (its
 * worker was woken in-process). On SQLite there is one process: nothing is sent.
 */

export const OUTBOX_DUE_CHANNEL = 'outbox_due';
const self = randomUUID();

/** A function that announces queued deliveries to the other instances, coalescing calls. */
export function dueAnnouncer(db: Db, onError: (err: unknown) => void = () => undefined): () => void {
  let sending = false;
  let again = false;
  const send = () => {
    sending = true;
    again = false;
    notify(db, OUTBOX_DUE_CHANNEL, self)
      .catch(onError)
      .finally(() => {
        sending = false;
        if (again) send();
      });
  };
  return () => {
    if (sending) again = true;
    else send();
  };
}

/** Calls `wake` when another instance queued deliveries, or notices may have been missed; returns the way to stop. */
export function onDeliveriesDueElsewhere(wake: () => void): () => void {
  return onNoticeChannel(OUTBOX_DUE_CHANNEL, {
    onPayload: (payload) => {
      if (payload !== self) wake();
    },
    onGap: wake,
  });
}
