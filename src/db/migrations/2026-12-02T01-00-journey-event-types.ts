import { sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Journey event types follow one scheme for every face (`noun.verb_past`, e.g. stay.checked_in);
// each face translates its own words. Rows the Loop face wrote before (source 'loop') carry the
// ContactEvent word as sent: checkin, roomready and checkout get their names in the scheme, any
// other word (the hotel's own events) is kept under custom.<word>. Rows of other sources
// (stay.registered, stay.status_changed, stay.updated) already follow the scheme.

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await sql`
    update journey_events set type = case type
      when 'checkin' then 'stay.checked_in'
      when 'roomready' then 'stay.room_readied'
      when 'checkout' then 'stay.checked_out'
      else 'custom.' || type
    end
    where source = 'loop'
  `.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`
    update journey_events set type = case
      when type = 'stay.checked_in' then 'checkin'
      when type = 'stay.room_readied' then 'roomready'
      when type = 'stay.checked_out' then 'checkout'
      when type like 'custom.%' then substr(type, 8)
      else type
    end
    where source = 'loop'
  `.execute(db);
}
