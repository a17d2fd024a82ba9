import type { Db } from '../../db/database.js';

/**
 * Links the stays booked under these booking references to a guest (a contact's orders amended
 * to it): every stay of the account with one of the references now belongs to `guestId`. Returns
 * the references that name no stay; then nothing is changed, so a caller can refuse the request.
 */
export async function linkStaysByBookingReference(
  db: Db,
  accountId: number,
  references: string[],
  guestId: number,
): Promise<{ unknown: string[]; linked: number[] }> {
  const refs = [...new Set(references)];
  if (refs.length === 0) return { unknown: [], linked: [] };
  const stays = await db
    .selectFrom('stays')
    .select(['id', 'booking_reference', 'guest_id'])
    .where('account_id', '=', accountId)
    .where('booking_reference', 'in', refs)
    .execute();
  const found = new Set(stays.map((s) => s.booking_reference));
  const unknown = refs.filter((r) => !found.has(r));
  if (unknown.length) return { unknown, linked: [] };
  const moving = stays.filter((s) => s.guest_id !== guestId).map((s) => s.id);
  if (moving.length) {
    await db.updateTable('stays').set({ guest_id: guestId, updated_at: Date.now() }).where('account_id', '=', accountId).where('id', 'in', moving).execute();
  }
  return { unknown: [], linked: stays.map((s) => s.id) };
}
