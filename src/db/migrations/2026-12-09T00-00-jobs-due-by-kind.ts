import { sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// The worker claims each job kind on its own (core/jobs/job-worker.ts), and jobs_due was ordered
// by (due_at, id) alone: a claim for a kind with nothing due read past every due job of the other
// kinds before it found none. With 24,000 e-mails queued while SMTP was down, each of the ten-odd
// empty claims of every worker loop scanned all of them (about 0.4 ms each, 47,000 of them while
// the e-mails left). Leading with the kind, a claim reads only its own kind's due jobs.

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('jobs_due').ifExists().execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['kind', 'due_at', 'id']).where(sql.ref('status'), 'in', sql`('queued', 'running')`).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('jobs_due').ifExists().execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['due_at', 'id']).where(sql.ref('status'), 'in', sql`('queued', 'running')`).execute();
}
