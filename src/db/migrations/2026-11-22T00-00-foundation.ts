import { PostgresAdapter, type Kysely, type CreateTableBuilder } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Feedback and guest requests refer to their location and survey with NO ACTION: deleting a
// location or survey that holds them fails instead of deleting what guests told us.

type AnyDb = Kysely<any>;

function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Integer primary key: serial on PostgreSQL, INTEGER PRIMARY KEY AUTOINCREMENT on SQLite. */
function table(db: AnyDb, name: string): CreateTableBuilder<string, 'id'> {
  const pg = isPostgres(db);
  return db.schema.createTable(name).addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()));
}

export async function up(db: AnyDb): Promise<void> {
  const instant = 'bigint';

  await table(db, 'accounts')
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('page_secret', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();

  await table(db, 'credentials')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('revoked_at', instant)
    .execute();
  await db.schema.createIndex('credentials_account_kind').on('credentials').columns(['account_id', 'kind']).execute();

  await table(db, 'locations')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('shortcode', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('location'))
    .addColumn('parent_id', 'integer', (c) => c.references('locations.id').onDelete('set null'))
    .addColumn('property_code', 'text')
    .addColumn('timezone', 'text')
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('country', 'text')
    .addColumn('state', 'text')
    .addColumn('city', 'text')
    .addColumn('zip_code', 'text')
    .addColumn('street_name', 'text')
    .addColumn('street_number', 'text')
    .addColumn('default_evaluation_id', 'integer')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('updated_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('locations_account_shortcode').unique().on('locations').columns(['account_id', 'shortcode']).execute();

  await table(db, 'loop_types')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('shortcode', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('loop_types_account_shortcode').unique().on('loop_types').columns(['account_id', 'shortcode']).execute();

  await table(db, 'custom_fields')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('shortcode', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('custom_fields_account_shortcode').unique().on('custom_fields').columns(['account_id', 'shortcode']).execute();

  await table(db, 'employees')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('sms', 'text')
    .addColumn('permissions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('location_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('employees_account_username').unique().on('employees').columns(['account_id', 'username']).execute();
  await db.schema.createIndex('employees_account_email').on('employees').columns(['account_id', 'email']).execute();
  await db.schema.createIndex('employees_account_sms').on('employees').columns(['account_id', 'sms']).execute();

  await table(db, 'guests')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('mobile', 'text')
    .addColumn('language', 'text')
    .addColumn('vip_status', 'text')
    .addColumn('group_name', 'text')
    .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('updated_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guests_account_email').on('guests').columns(['account_id', 'email']).execute();
  await db.schema.createIndex('guests_account_mobile').on('guests').columns(['account_id', 'mobile']).execute();

  await db.schema
    .createTable('guest_keys')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('guest_id', 'integer', (c) => c.notNull().references('guests.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('guest_keys_pk', ['account_id', 'source', 'key'])
    .execute();
  await db.schema.createIndex('guest_keys_guest').on('guest_keys').columns(['account_id', 'guest_id']).execute();

  await table(db, 'stays')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('guest_id', 'integer', (c) => c.notNull().references('guests.id').onDelete('cascade'))
    .addColumn('location_id', 'integer', (c) => c.references('locations.id').onDelete('set null'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_ref', 'text')
    .addColumn('booking_reference', 'text')
    .addColumn('arrival_at', instant)
    .addColumn('departure_at', instant)
    .addColumn('room', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('updated_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stays_account_source_ref').unique().on('stays').columns(['account_id', 'source', 'external_ref']).execute();
  await db.schema.createIndex('stays_account_guest').on('stays').columns(['account_id', 'guest_id']).execute();

  await table(db, 'journey_events')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('guest_id', 'integer', (c) => c.notNull().references('guests.id').onDelete('cascade'))
    .addColumn('stay_id', 'integer', (c) => c.references('stays.id').onDelete('set null'))
    .addColumn('location_id', 'integer', (c) => c.references('locations.id').onDelete('set null'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', instant, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('journey_events_guest').on('journey_events').columns(['account_id', 'guest_id', 'occurred_at']).execute();

  await table(db, 'evaluations')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('shortcode', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('question_order_randomized', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evaluations_account_shortcode').unique().on('evaluations').columns(['account_id', 'shortcode']).execute();

  await db.schema
    .createTable('evaluation_locations')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('evaluation_id', 'integer', (c) => c.notNull().references('evaluations.id').onDelete('cascade'))
    .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('evaluation_locations_pk', ['account_id', 'evaluation_id', 'location_id'])
    .execute();
  await db.schema.createIndex('evaluation_locations_location').on('evaluation_locations').columns(['account_id', 'location_id']).execute();

  await table(db, 'question_sets')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('evaluation_id', 'integer', (c) => c.notNull().references('evaluations.id').onDelete('cascade'))
    .addColumn('serial', 'integer', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('superseded_at', instant)
    .execute();
  await db.schema.createIndex('question_sets_evaluation_serial').unique().on('question_sets').columns(['account_id', 'evaluation_id', 'serial']).execute();

  await table(db, 'question_sections')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('question_set_id', 'integer', (c) => c.notNull().references('question_sets.id').onDelete('cascade'))
    .addColumn('serial', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('question_sections_set').on('question_sections').columns(['account_id', 'question_set_id']).execute();

  await table(db, 'questions')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('question_set_id', 'integer', (c) => c.notNull().references('question_sets.id').onDelete('cascade'))
    .addColumn('section_id', 'integer', (c) => c.notNull().references('question_sections.id').onDelete('cascade'))
    .addColumn('serial', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('placeholder', 'text')
    .addColumn('semantic_id', 'integer')
    .addColumn('department_code', 'text')
    .addColumn('resource_code', 'text')
    .addColumn('facility_type', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('questions_set').on('questions').columns(['account_id', 'question_set_id']).execute();

  await table(db, 'question_options')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('question_id', 'integer', (c) => c.notNull().references('questions.id').onDelete('cascade'))
    .addColumn('serial', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('nps_segment', 'text')
    .execute();
  await db.schema.createIndex('question_options_question').on('question_options').columns(['account_id', 'question_id']).execute();

  await table(db, 'answer_documents')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('evaluation_id', 'integer', (c) => c.notNull().references('evaluations.id').onDelete('no action'))
    .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id').onDelete('no action'))
    .addColumn('guest_id', 'integer', (c) => c.references('guests.id').onDelete('set null'))
    .addColumn('stay_id', 'integer', (c) => c.references('stays.id').onDelete('set null'))
    .addColumn('retention', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('guest_name', 'text')
    .addColumn('guest_email', 'text')
    .addColumn('reservation', 'text')
    .addColumn('loyalty_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('device_id', 'text')
    .addColumn('reputation_source', 'text')
    .addColumn('checkin_date', 'text')
    .addColumn('checkout_date', 'text')
    .addColumn('sent_at', instant)
    .addColumn('response_rate', 'double precision')
    .addColumn('received_at', instant, (c) => c.notNull())
    .addColumn('updated_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('answer_documents_location_updated').on('answer_documents').columns(['account_id', 'location_id', 'updated_at']).execute();
  await db.schema.createIndex('answer_documents_location_checkout').on('answer_documents').columns(['account_id', 'location_id', 'checkout_date']).execute();

  await table(db, 'answers')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('answer_document_id', 'integer', (c) => c.notNull().references('answer_documents.id').onDelete('cascade'))
    .addColumn('question_id', 'integer', (c) => c.notNull().references('questions.id').onDelete('cascade'))
    .addColumn('received_at', instant, (c) => c.notNull())
    .addColumn('option_id', 'integer', (c) => c.references('question_options.id').onDelete('set null'))
    .addColumn('option_ids', 'text')
    .addColumn('text', 'text')
    .addColumn('number_value', 'double precision')
    .addColumn('score', 'double precision')
    .execute();
  await db.schema.createIndex('answers_document').on('answers').columns(['account_id', 'answer_document_id']).execute();

  await table(db, 'loops')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('location_id', 'integer', (c) => c.notNull().references('locations.id').onDelete('no action'))
    .addColumn('loop_type_id', 'integer', (c) => c.references('loop_types.id').onDelete('set null'))
    .addColumn('creator_guest_id', 'integer', (c) => c.references('guests.id').onDelete('set null'))
    .addColumn('source', 'text')
    .addColumn('device_id', 'text')
    .addColumn('title', 'text')
    .addColumn('description', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('medium', 'text')
    .addColumn('create_device', 'text')
    .addColumn('contactable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('answer_document_id', 'integer', (c) => c.references('answer_documents.id').onDelete('set null'))
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('updated_at', instant, (c) => c.notNull())
    .addColumn('last_viewed_at', instant)
    .execute();
  await db.schema.createIndex('loops_creator').on('loops').columns(['account_id', 'creator_guest_id', 'created_at']).execute();

  await table(db, 'loop_activities')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('loop_id', 'integer', (c) => c.notNull().references('loops.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', instant, (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('person_kind', 'text', (c) => c.notNull())
    .addColumn('person_name', 'text')
    .addColumn('person_guest_id', 'integer', (c) => c.references('guests.id').onDelete('set null'))
    .addColumn('system', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('automated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('confirmed', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('loop_activities_loop').on('loop_activities').columns(['account_id', 'loop_id', 'occurred_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const name of [
    'loop_activities',
    'loops',
    'answers',
    'answer_documents',
    'question_options',
    'questions',
    'question_sections',
    'question_sets',
    'evaluation_locations',
    'evaluations',
    'journey_events',
    'stays',
    'guest_keys',
    'guests',
    'employees',
    'custom_fields',
    'loop_types',
    'locations',
    'credentials',
    'accounts',
  ]) {
    await db.schema.dropTable(name).ifExists().execute();
  }
}
