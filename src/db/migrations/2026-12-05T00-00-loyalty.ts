import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// The loyalty programme (issue 13, the Fideltour Loyalty face):
// - loyalty_programs: an account's programme settings (validity of earned points).
// - loyalty_api_users / loyalty_api_sessions: API users of POST /login/ and their tokens (hashed),
//   which expire after 24 h without use.
// - loyalty_members: one row per guest the loyalty face knows, keyed (account_id, guest_id): the
//   membership (sign-in e-mail, Argon2id password hash, level, balances) and the Fideltour contact
//   attributes the guest profile does not hold yet.
// - loyalty_operations: the append-only points ledger. An earning operation is a lot with an expiry
//   and what is left of it (remaining, consumed, expired are kept on the lot, in the transaction of
//   each move, and every move is also appended to loyalty_lot_moves).
// - loyalty_levels, loyalty_products: what the programme offers.
// - loyalty_email_requests: the e-mails the programme must send (activation, welcome, password
//   reset), recorded durably for the messaging module.
// Event-like tables use 64-bit ids and keys led by account_id.

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  const serial = pg ? 'serial' : 'integer';
  const bigSerial = pg ? 'bigserial' : 'integer';
  const bigId = pg ? 'bigint' : 'integer';
  const pk = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const account = (c: any) => c.notNull().references('accounts.id').onDelete('cascade');

  await db.schema
    .createTable('loyalty_programs')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('points_validity_days', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('loyalty_api_users')
    .addColumn('id', serial, pk)
    .addColumn('account_id', 'integer', account)
    .addColumn('username', 'text', (c) => c.notNull().unique()) // POST /login/ names no account
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('loyalty_api_sessions')
    .addColumn('id', bigSerial, pk)
    .addColumn('account_id', 'integer', account)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('loyalty_api_users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('loyalty_levels')
    .addColumn('id', serial, pk)
    .addColumn('account_id', 'integer', account)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('min_level_points', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('loyalty_levels_account').on('loyalty_levels').columns(['account_id', 'min_level_points']).execute();

  await db.schema
    .createTable('loyalty_members')
    .addColumn('account_id', 'integer', account)
    .addColumn('guest_id', 'integer', (c) => c.notNull())
    .addColumn('signin_email', 'text') // case-folded; set while enrolled
    .addColumn('password_hash', 'text')
    .addColumn('enrolled_at', 'bigint')
    .addColumn('level_id', 'integer')
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('level_points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('loyalty_id', 'text')
    .addColumn('loyalty_bookings', 'integer')
    .addColumn('loyalty_nights', 'integer')
    .addColumn('loyalty_last_booking_date', 'text')
    .addColumn('loyalty_custom_tag_timestamp', 'text')
    .addColumn('phone2', 'text')
    .addColumn('birthday', 'text')
    .addColumn('gender', 'text')
    .addColumn('country', 'text')
    .addColumn('subscribed', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('loyalty_members_pk', ['account_id', 'guest_id'])
    .execute();
  await db.schema.createIndex('loyalty_members_signin_email').on('loyalty_members').columns(['account_id', 'signin_email']).unique().execute();

  await db.schema
    .createTable('loyalty_operations')
    .addColumn('id', bigSerial, pk)
    .addColumn('account_id', 'integer', account)
    .addColumn('guest_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // earn | redeem | adjust
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('concept', 'text')
    .addColumn('comments', 'text')
    .addColumn('points', 'integer', (c) => c.notNull()) // signed: an earning is positive
    .addColumn('level_points', 'integer', (c) => c.notNull())
    .addColumn('point_type', 'integer')
    .addColumn('expires_at', 'bigint') // a lot's expiry
    .addColumn('remaining_points', 'integer', (c) => c.notNull())
    .addColumn('consumed_points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expired_points', 'integer')
    .addColumn('product_id', 'integer')
    .addColumn('hotel_id', 'integer')
    .addColumn('manager_id', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('loyalty_operations_account').on('loyalty_operations').columns(['account_id', 'id']).execute();
  await db.schema.createIndex('loyalty_operations_guest').on('loyalty_operations').columns(['account_id', 'guest_id', 'id']).execute();
  await db.schema
    .createIndex('loyalty_operations_lots')
    .on('loyalty_operations')
    .columns(['account_id', 'guest_id', 'remaining_points', 'expires_at'])
    .execute();

  await db.schema
    .createTable('loyalty_lot_moves')
    .addColumn('id', bigSerial, pk)
    .addColumn('account_id', 'integer', account)
    .addColumn('lot_id', bigId, (c) => c.notNull())
    .addColumn('operation_id', bigId) // the redemption, or null for an expiry
    .addColumn('kind', 'text', (c) => c.notNull()) // consumed | expired
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('loyalty_lot_moves_lot').on('loyalty_lot_moves').columns(['account_id', 'lot_id']).execute();

  await db.schema
    .createTable('loyalty_products')
    .addColumn('id', serial, pk)
    .addColumn('account_id', 'integer', account)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('category', 'integer')
    .addColumn('image', 'text')
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('featured', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('start_date', 'text')
    .addColumn('end_date', 'text')
    .addColumn('code', 'text')
    .addColumn('is_visible', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('promocode', 'text')
    .addColumn('notify_alert_emails', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hotels', 'text', (c) => c.notNull().defaultTo('[]')) // JSON location ids
    .addColumn('levels', 'text', (c) => c.notNull().defaultTo('[]')) // JSON level ids
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('loyalty_products_account').on('loyalty_products').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('loyalty_email_requests')
    .addColumn('id', bigSerial, pk)
    .addColumn('account_id', 'integer', account)
    .addColumn('guest_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // activation | welcome | password_reset
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('handled_at', 'bigint') // set by the messaging module once sent
    .execute();
  await db.schema.createIndex('loyalty_email_requests_pending').on('loyalty_email_requests').columns(['account_id', 'handled_at', 'id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const name of [
    'loyalty_email_requests',
    'loyalty_products',
    'loyalty_lot_moves',
    'loyalty_operations',
    'loyalty_members',
    'loyalty_levels',
    'loyalty_api_sessions',
    'loyalty_api_users',
    'loyalty_programs',
  ]) {
    await db.schema.dropTable(name).ifExists().execute();
  }
}
