import type { Guest, JourneyEvent, Stay } from '../../db/schema.js';
import { contactStayRef } from './upsert-contact.js';
import { findStayByRef, latestStayOfGuest, setStayStatus, upsertStayByRef, type StayStatus } from '../stays/stays.js';
import type { JourneyEventType } from '../journeys/event-types.js';
import { recordJourneyEvent } from '../journeys/journey-events.js';
import type { WriteContext } from '../shared/write-context.js';

/** Event types with a meaning for the stay's status; any other type leaves it as it is. */
const STATUS_AFTER: Partial<Record<JourneyEventType, StayStatus>> = {
  'stay.checked_in': 'instay',
  'stay.room_readied': 'instay',
  'stay.checked_out': 'poststay',
};

export interface GuestEventInput {
  /** a type of the one scheme (event-types.ts): the face has translated its word */
  type: JourneyEventType;
  /** the external key the guest was named by, which also names their stay */
  key?: { source: string; value: string };
  occurredAt?: number;
  locationId?: number | null;
  source: string;
  payload?: Record<string, unknown>;
}

/**
 * Registers a journey event (checked in, room readied, checked out...) that an integration reports
 * for a guest: finds the stay it concerns (the keyed stay, else the guest's latest, else a new
 * one), moves the stay's status when the event implies it, and appends the event to the timeline
 * the rules engine reads. Run inside a transaction.
 */
export async function recordGuestEvent(
  ctx: WriteContext,
  guest: Guest,
  input: GuestEventInput,
  /** the stay under the event's ref, when the caller read it in this transaction (null: none) */
  knownStay?: Stay | null,
): Promise<{ event: JourneyEvent; stay: Stay }> {
  const { trx: db, accountId } = ctx;
  const { source, ref } = contactStayRef(input.key, guest);
  const underRef = knownStay === undefined ? await findStayByRef(db, accountId, source, ref) : knownStay;
  let stay = underRef ?? (await latestStayOfGuest(db, accountId, guest.id));
  // No stay under the ref (just read) nor any other: a new one under the ref.
  if (!stay) stay = await upsertStayByRef(ctx, guest.id, source, ref, { locationId: input.locationId ?? undefined }, null);
  const status = STATUS_AFTER[input.type];
  if (status) stay = await setStayStatus(ctx, stay, status);
  const event = await recordJourneyEvent(ctx, {
    guestId: guest.id,
    stayId: stay.id,
    locationId: input.locationId ?? stay.location_id,
    type: input.type,
    occurredAt: input.occurredAt,
    source: input.source,
    payload: input.payload,
    rows: { guest, stay },
  });
  return { event, stay };
}
