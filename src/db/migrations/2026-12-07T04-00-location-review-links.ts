import type { Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// A location's review links: where the survey page sends a guest who would recommend the hotel
// (TripAdvisor, Google, Booking.com...). JSON text [{"name": "...", "url": "https://..."}], null: none.

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('locations').addColumn('review_links', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('locations').dropColumn('review_links').execute();
}
