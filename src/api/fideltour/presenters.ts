import type { LoyaltyContact } from '../../core/loyalty/contacts.js';
import { guestCustomFields } from '../../core/guests/guests.js';
import type { Guest, LoyaltyOperation, LoyaltyProduct } from '../../db/schema.js';
import { parseJson } from '../../core/shared/json.js';

/** An instant as Fideltour writes it: UTC, no offset, microseconds ("2023-11-13T12:11:03.746192"). */
export function fideltourTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return `${new Date(ms).toISOString().slice(0, 23)}000`;
}

/** A contact: the guest profile, its membership and external id. Never the password. */
export function presentContact({ guest, member, externalObjectId }: LoyaltyContact) {
  return {
    id: guest.id,
    name: guest.first_name,
    surname: guest.last_name,
    email: guest.email,
    phone1: guest.mobile,
    phone2: member?.phone2 ?? null,
    birthday: member?.birthday ?? null,
    gender: member?.gender ?? null,
    language: guest.language,
    country: member?.country ?? null,
    custom_fields: guestCustomFields(guest),
    external_object_id: externalObjectId,
    subscribed: member?.subscribed == null ? null : member.subscribed === 1,
    is_loyalty: member?.enrolled_at != null,
    loyalty_email: member?.signin_email ?? null,
    loyalty_sign_in_date: fideltourTime(member?.enrolled_at),
    level: member?.level_id ?? null,
    points: member?.points ?? 0,
    level_points: member?.level_points ?? 0,
    loyalty_id: member?.loyalty_id ?? null,
    loyalty_bookings: member?.loyalty_bookings ?? null,
    loyalty_nights: member?.loyalty_nights ?? null,
    loyalty_last_booking_date: member?.loyalty_last_booking_date ?? null,
    loyalty_custom_tag_timestamp: member?.loyalty_custom_tag_timestamp ?? null,
    created_at: fideltourTime(guest.created_at),
    updated_at: fideltourTime(Math.max(guest.updated_at, member?.updated_at ?? 0)),
  };
}

/**
 * A ledger operation with the spec's accounting: an earning shows what was consumed and expired
 * of it as negative numbers (null when nothing), a redemption negative points and redeemed 1.
 */
export function presentOperation(op: LoyaltyOperation, contactEmail: string | null) {
  const isLot = op.points > 0;
  return {
    id: op.id,
    contact_email: contactEmail,
    book_room_number: null,
    points: op.points,
    expired_points: op.expired_points,
    consumed_points: isLot && op.consumed_points > 0 ? -op.consumed_points : null,
    remaining_points: op.remaining_points,
    level_points: op.level_points,
    bonus_points: '0.00',
    timestamp: fideltourTime(op.created_at),
    comments: op.comments,
    concept: op.concept,
    code: op.code,
    redeemed: op.points < 0 ? 1 : 0,
    point_type: op.point_type,
    expired_date: fideltourTime(op.expires_at),
    updated_at: fideltourTime(op.updated_at),
    contact: op.guest_id,
    product: op.product_id,
    book: null,
    manager: op.manager_id,
    hotel: op.hotel_id,
  };
}

export function presentProduct(p: LoyaltyProduct) {
  return {
    id: p.id,
    title: p.title,
    category: p.category,
    image: p.image,
    points: p.points,
    featured: p.featured === 1,
    start_date: p.start_date,
    end_date: p.end_date,
    code: p.code,
    is_visible: p.is_visible === 1,
    promocode: p.promocode,
    notify_alert_emails: p.notify_alert_emails === 1,
    hotels: parseJson<number[]>(p.hotels, []),
    levels: parseJson<number[]>(p.levels, []),
  };
}

export type EmailOf = (guestId: number) => string | null;

/** The e-mails of the guests these operations belong to, for contact_email. */
export function emailsOf(guests: Guest[]): EmailOf {
  const byId = new Map(guests.map((g) => [g.id, g.email]));
  return (id) => byId.get(id) ?? null;
}
