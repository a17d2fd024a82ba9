import type { Db } from '../../db/database.js';
import type { Answer, AnswerDocument } from '../../db/schema.js';
import { beforeSql, type TimelineWindow } from '../shared/timeline-window.js';

/** A guest's answer documents (surveys, reviews linked to the guest) by the time received, newest first. */
export async function guestAnswerDocumentsTimeline(db: Db, accountId: number, window: TimelineWindow): Promise<AnswerDocument[]> {
  if (window.guestIds.length === 0) return [];
  const query = db
    .selectFrom('answer_documents')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('guest_id', 'in', window.guestIds)
    .where(beforeSql(window, 'received_at', 'id'))
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc');
  return (window.limit === undefined ? query : query.limit(window.limit)).execute();
}

/** The answers of answer documents, by document. */
export async function answersOfDocuments(db: Db, accountId: number, documentIds: number[]): Promise<Map<number, Answer[]>> {
  const out = new Map<number, Answer[]>(documentIds.map((id) => [id, []]));
  for (let i = 0; i < documentIds.length; i += 500) {
    const rows = await db
      .selectFrom('answers')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('answer_document_id', 'in', documentIds.slice(i, i + 500))
      .orderBy('id')
      .execute();
    for (const row of rows) out.get(row.answer_document_id)?.push(row);
  }
  return out;
}

/**
 * Erasure: a guest's answer documents lose everything that names the guest (guest, stay, name,
 * e-mail, reservation, loyalty id, device) and their free-text answers; the chosen options,
 * numbers and scores stay, so statistics (and the rollups, which hold no text) are unchanged.
 */
export async function anonymiseGuestAnswerDocuments(db: Db, accountId: number, guestIds: number[], now: number): Promise<number> {
  if (guestIds.length === 0) return 0;
  const ids = (await db.selectFrom('answer_documents').select('id').where('account_id', '=', accountId).where('guest_id', 'in', guestIds).execute()).map(
    (r) => r.id,
  );
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    await db
      .updateTable('answer_documents')
      .set({
        guest_id: null,
        stay_id: null,
        guest_name: null,
        guest_email: null,
        reservation: null,
        loyalty_id: null,
        device_id: null,
        retention: 'anonymous',
        updated_at: now,
      })
      .where('account_id', '=', accountId)
      .where('id', 'in', part)
      .execute();
    await db
      .updateTable('answers')
      .set({ text: null })
      .where('account_id', '=', accountId)
      .where('answer_document_id', 'in', part)
      .where('text', 'is not', null)
      .execute();
  }
  return ids.length;
}

/** How long an answer document whose guest chose `thirtyDays` keeps the guest's personal data. */
export const THIRTY_DAYS_MS = 30 * 86_400_000;

/**
 * Retention of answer documents given `thirtyDays`: thirty days after a document was received, the
 * guest's personal data on it (the guest and stay links, name, e-mail, reservation, loyalty id,
 * device) is forgotten; the answers, their text included, stay for the statistics, and the
 * document keeps `thirtyDays` (what the guest chose). At most `limit` documents a call.
 */
export async function forgetExpiredAnswerPersonalData(db: Db, accountId: number, now: number, limit = 1000): Promise<number> {
  const ids = (
    await db
      .selectFrom('answer_documents')
      .select('id')
      .where('account_id', '=', accountId)
      .where('retention', '=', 'thirtyDays')
      .where('received_at', '<', now - THIRTY_DAYS_MS)
      .where((eb) =>
        eb.or([
          eb('guest_id', 'is not', null),
          eb('stay_id', 'is not', null),
          eb('guest_name', 'is not', null),
          eb('guest_email', 'is not', null),
          eb('reservation', 'is not', null),
          eb('loyalty_id', 'is not', null),
          eb('device_id', 'is not', null),
        ]),
      )
      .limit(limit)
      .execute()
  ).map((r) => r.id);
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .updateTable('answer_documents')
      .set({ guest_id: null, stay_id: null, guest_name: null, guest_email: null, reservation: null, loyalty_id: null, device_id: null, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
  }
  return ids.length;
}
