import { PostgresAdapter, type Kysely, type CreateTableBuilder } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Adds what the Loopon face needs: OAuth clients and tokens, stay details, guest links and chat
// sessions, per-day score rollups, and online reputation (reviews, snapshots, competitive sets).

type AnyDb = Kysely<any>;

function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function table(db: AnyDb, name: string): CreateTableBuilder<string, 'id'> {
  const pg = isPostgres(db);
  return db.schema.createTable(name).addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()));
}

const accountRef = (c: any) => c.notNull().references('accounts.id').onDelete('cascade');

export async function up(db: AnyDb): Promise<void> {
  const instant = 'bigint';

  await table(db, 'oauth_clients')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('unit_ids', 'text') // JSON number[]; null: every unit of the account
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('revoked_at', instant)
    .execute();
  await db.schema.createIndex('oauth_clients_account').on('oauth_clients').columns(['account_id']).execute();

  await table(db, 'oauth_tokens')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('client_id', 'integer', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('expires_at', instant, (c) => c.notNull())
    .addColumn('revoked_at', instant)
    .execute();

  // Stay details of the Loopon face: local calendar dates and the PMS's booking data.
  for (const column of [
    'booking_date',
    'checkin_date',
    'checkout_date',
    'booking_channel',
    'market_segment',
    'rate_plan',
    'loyalty_program',
    'loyalty_id',
    'loyalty_level',
    'room_category',
    'room_category_name',
  ]) {
    await db.schema.alterTable('stays').addColumn(column, 'text').execute();
  }
  await db.schema.createIndex('stays_account_booking').on('stays').columns(['account_id', 'location_id', 'booking_reference']).execute();
  // Registrations match a guest's stay by e-mail or mobile + check-in + check-out at the unit.
  await db.schema.createIndex('stays_account_dates').on('stays').columns(['account_id', 'location_id', 'checkin_date', 'checkout_date']).execute();

  await db.schema
    .createTable('stay_callbacks')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('stay_id', 'integer', (c) => c.notNull().references('stays.id').onDelete('cascade'))
    .addColumn('client_id', 'integer', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('auth_token', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addPrimaryKeyConstraint('stay_callbacks_pk', ['account_id', 'stay_id', 'client_id'])
    .execute();

  await table(db, 'stay_links')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('stay_id', 'integer', (c) => c.notNull().references('stays.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('expires_at', instant, (c) => c.notNull())
    .execute();
  // Every registration adds a link and prunes the stay's expired ones (and cascades use it).
  await db.schema.createIndex('stay_links_stay').on('stay_links').columns(['account_id', 'stay_id', 'expires_at']).execute();

  await table(db, 'chat_sessions')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('guest_id', 'integer', (c) => c.notNull().references('guests.id').onDelete('cascade'))
    .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id').onDelete('cascade'))
    .addColumn('session_key', 'text', (c) => c.notNull().unique())
    .addColumn('language', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_sessions_guest').unique().on('chat_sessions').columns(['account_id', 'guest_id', 'location_id']).execute();

  await table(db, 'chat_events')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('session_id', 'integer', (c) => c.notNull().references('chat_sessions.id').onDelete('cascade'))
    .addColumn('stay_id', 'integer', (c) => c.references('stays.id').onDelete('set null'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('updated_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_events_stay').on('chat_events').columns(['account_id', 'stay_id', 'created_at']).execute();
  await db.schema.createIndex('chat_events_session').on('chat_events').columns(['account_id', 'session_id', 'created_at']).execute();

  // Scores by day: one row per unit, evaluation, semantic id, checkout day and source, kept in
  // the same transaction as the answers, so a 30-day score reads ~30 rows per unit.
  await db.schema
    .createTable('score_rollups')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('location_id', 'integer', (c) => c.notNull())
    .addColumn('evaluation_id', 'integer', (c) => c.notNull())
    .addColumn('semantic_id', 'integer', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reputation_source', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('answer_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scored_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('score_sum', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('promoters', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('passives', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('detractors', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('score_rollups_pk', ['account_id', 'location_id', 'semantic_id', 'day', 'evaluation_id', 'source', 'reputation_source'])
    .execute();
  await db.schema.createIndex('answer_documents_evaluation_updated').on('answer_documents').columns(['account_id', 'evaluation_id', 'updated_at']).execute();
  // The key an importer gives a document, so a re-import updates it instead of adding a copy.
  await db.schema.alterTable('answer_documents').addColumn('external_id', 'text').execute();
  await db.schema.createIndex('answer_documents_external').unique().on('answer_documents').columns(['account_id', 'external_id']).execute();

  await table(db, 'review_questions')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('answer_type', 'text', (c) => c.notNull())
    .addColumn('answer_values', 'text')
    .execute();
  await db.schema.createIndex('review_questions_key').unique().on('review_questions').columns(['account_id', 'key']).execute();

  await table(db, 'reviews')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id').onDelete('no action'))
    .addColumn('external_id', 'text')
    .addColumn('issue_id', 'integer')
    .addColumn('review_date', 'text', (c) => c.notNull())
    .addColumn('stay_date', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('title', 'text')
    .addColumn('text', 'text')
    .addColumn('rating_raw', 'double precision')
    .addColumn('rating_normalized', 'double precision')
    .addColumn('respondable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('management_response_date', 'text')
    .addColumn('travel_composition', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('updated_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reviews_location_date').on('reviews').columns(['account_id', 'location_id', 'review_date']).execute();
  await db.schema.createIndex('reviews_external').unique().on('reviews').columns(['account_id', 'channel', 'external_id']).execute();

  await table(db, 'review_ratings')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    // A question that ratings use cannot be deleted (guest feedback is never lost with configuration).
    .addColumn('question_id', 'integer', (c) => c.notNull().references('review_questions.id').onDelete('no action'))
    .addColumn('score_raw', 'double precision')
    .addColumn('score_normalized', 'double precision')
    .addColumn('text', 'text')
    .execute();
  await db.schema.createIndex('review_ratings_review').on('review_ratings').columns(['account_id', 'review_id']).execute();

  await db.schema
    .createTable('reputation_snapshots')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull()) // '' = all sources
    .addColumn('rank', 'double precision')
    .addColumn('rank_of', 'integer')
    .addColumn('score', 'double precision')
    .addColumn('normalized_score', 'double precision')
    .addPrimaryKeyConstraint('reputation_snapshots_pk', ['account_id', 'location_id', 'day', 'source'])
    .execute();

  await table(db, 'competitive_sets')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('competitive_set_members')
    .addColumn('account_id', 'integer', accountRef)
    .addColumn('set_id', 'integer', (c) => c.notNull().references('competitive_sets.id').onDelete('cascade'))
    .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('competitive_set_members_pk', ['account_id', 'set_id', 'location_id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const name of [
    'competitive_set_members',
    'competitive_sets',
    'reputation_snapshots',
    'review_ratings',
    'reviews',
    'review_questions',
    'score_rollups',
    'chat_events',
    'chat_sessions',
    'stay_links',
    'stay_callbacks',
    'oauth_tokens',
    'oauth_clients',
  ]) {
    await db.schema.dropTable(name).ifExists().execute();
  }
  await db.schema.dropIndex('answer_documents_evaluation_updated').ifExists().execute();
  await db.schema.dropIndex('answer_documents_external').ifExists().execute();
  await db.schema.alterTable('answer_documents').dropColumn('external_id').execute();
  await db.schema.dropIndex('stays_account_booking').ifExists().execute();
  await db.schema.dropIndex('stays_account_dates').ifExists().execute();
  for (const column of [
    'booking_date',
    'checkin_date',
    'checkout_date',
    'booking_channel',
    'market_segment',
    'rate_plan',
    'loyalty_program',
    'loyalty_id',
    'loyalty_level',
    'room_category',
    'room_category_name',
  ]) {
    await db.schema.alterTable('stays').dropColumn(column).execute();
  }
}
