import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Staff sign-in (issue 14): the Loop face's employees become staff members who sign in to the
// console. employees gains a role (null: a Loop employee who cannot sign in), an Argon2id password
// hash and a time of change; its e-mail is unique among those who can sign in (case-folded by the
// code). staff_sessions: the console's sessions (the SHA-256 of the cookie's value, its CSRF token,
// its idle expiry). staff_tokens: one-time links (sign-in links, invitations, password resets), as
// SHA-256 digests. staff_sign_in_failures: failed sign-ins per e-mail digest, so a lockout holds
// on every instance. audit_entries: every write a staff member (or the admin token) makes through
// the admin API. realtime_tickets gains the staff member a ticket was issued to (its socket only
// carries the locations that person may see).

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  const serial = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema.alterTable('employees').addColumn('role', 'text').execute();
  await db.schema.alterTable('employees').addColumn('password_hash', 'text').execute();
  await db.schema.alterTable('employees').addColumn('updated_at', 'bigint').execute();
  await db.schema.createIndex('employees_staff_email').unique().on('employees').column('email').where(sql.ref('role'), 'is not', null).execute();

  await db.schema
    .createTable('staff_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('employee_id', 'integer', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_sessions_employee').on('staff_sessions').columns(['account_id', 'employee_id']).execute();

  await db.schema
    .createTable('staff_tokens')
    .addColumn('id', pg ? 'bigserial' : 'integer', serial)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('employee_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // link | reset
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_tokens_token').unique().on('staff_tokens').column('token_hash').execute();
  await db.schema.createIndex('staff_tokens_employee').on('staff_tokens').columns(['account_id', 'employee_id']).execute();

  await db.schema
    .createTable('staff_sign_in_failures')
    .addColumn('id', pg ? 'bigserial' : 'integer', serial)
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('failed_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_sign_in_failures_email').on('staff_sign_in_failures').columns(['email_hash', 'failed_at']).execute();

  await db.schema
    .createTable('audit_entries')
    .addColumn('id', pg ? 'bigserial' : 'integer', serial)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_entries_account').on('audit_entries').columns(['account_id', 'id']).execute();
  await db.schema.createIndex('audit_entries_actor').on('audit_entries').columns(['account_id', 'actor', 'id']).execute();

  await db.schema.alterTable('realtime_tickets').addColumn('employee_id', 'integer').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('realtime_tickets').dropColumn('employee_id').execute();
  await db.schema.dropTable('audit_entries').execute();
  await db.schema.dropTable('staff_sign_in_failures').execute();
  await db.schema.dropTable('staff_tokens').execute();
  await db.schema.dropTable('staff_sessions').execute();
  await db.schema.dropIndex('employees_staff_email').execute();
  await db.schema.alterTable('employees').dropColumn('updated_at').execute();
  await db.schema.alterTable('employees').dropColumn('password_hash').execute();
  await db.schema.alterTable('employees').dropColumn('role').execute();
}
