import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Background work: one generic jobs table claimed by workers (any instance on PostgreSQL) with a
// lease, and job_inputs, a job's large input (an import body) stored in chunks of bounded size.
// due_at is when a worker should next take the job: for a queued job when it may run, for a
// running job when its lease expires (then another worker takes it again). One partial index
// over the jobs that can be taken makes every claim read only due rows.

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('jobs')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // draft | queued | running | succeeded | failed
    .addColumn('payload', 'text', (c) => c.notNull()) // JSON, the handler's own
    .addColumn('progress', 'text') // JSON, the handler's own; saved with the work it describes
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'bigint')
    .addColumn('lease_token', 'text') // the current claim; every write of a running job names it
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['due_at', 'id']).where(sql.ref('status'), 'in', sql`('queued', 'running')`).execute();
  await db.schema.createIndex('jobs_account').on('jobs').columns(['account_id', 'created_at']).execute();

  await db.schema
    .createTable('job_inputs')
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('job_id', pg ? 'bigint' : 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_inputs_pk', ['account_id', 'job_id', 'seq'])
    .execute();
  // The cascade from jobs looks chunks up by job alone.
  await db.schema.createIndex('job_inputs_job').on('job_inputs').columns(['job_id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('job_inputs').ifExists().execute();
  await db.schema.dropTable('jobs').ifExists().execute();
}
