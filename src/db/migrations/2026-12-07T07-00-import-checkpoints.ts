import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// import_checkpoints: the progress of a file import run from the CLI (`openstay import contacts`),
// committed with each batch, so that a run killed mid-way continues where the last committed batch
// ended when the same command is run again. Keyed by account, import kind and the file's identity
// (its size and content hash); `state` is the import's counts and kept failures (JSON).

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('import_checkpoints')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('file_key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_checkpoints_file').unique().on('import_checkpoints').columns(['account_id', 'kind', 'file_key']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('import_checkpoints').ifExists().execute();
}
