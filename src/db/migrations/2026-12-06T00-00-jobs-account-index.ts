import { sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Every outbox delivery writes a job in the transaction of its change (a ContactEvent with a
// webhook subscription: one per request), and each index of jobs is one more B-tree written by
// that insert. jobs_account (account_id, created_at) serves listing an account's jobs (imports),
// never a delivery's job (read by id, or through jobs_due): it now leaves those out.

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('jobs_account').ifExists().execute();
  await db.schema.createIndex('jobs_account').on('jobs').columns(['account_id', 'created_at']).where(sql.ref('kind'), '<>', sql`'outbox.delivery'`).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('jobs_account').ifExists().execute();
  await db.schema.createIndex('jobs_account').on('jobs').columns(['account_id', 'created_at']).execute();
}
