import { sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Ids a face shows may be the ids a hotel already used in the product it leaves (issue 11): a
// kiosk that stored Loop location 529652b0121d5fa206011a79, a Loopon client configured with unit
// 1204. They are kept on the row they name (`loop_id`: Loop's 24-hex id, `loopon_id`: Loopon's
// integer id), unique per account (two hotels may both bring unit 1204), null for a row created
// here (the face then renders the row's own key). Partial unique indexes: a row without a kept
// id adds no entry.

type AnyDb = Kysely<any>;

const COLUMNS: Array<[table: string, column: 'loop_id' | 'loopon_id']> = [
  ['locations', 'loop_id'],
  ['locations', 'loopon_id'],
  ['loop_types', 'loop_id'],
  ['custom_fields', 'loop_id'],
  ['evaluations', 'loop_id'],
  ['evaluations', 'loopon_id'],
  ['questions', 'loop_id'],
  ['questions', 'loopon_id'],
  ['employees', 'loop_id'],
  ['guests', 'loop_id'],
];

export async function up(db: AnyDb): Promise<void> {
  for (const [table, column] of COLUMNS) {
    await db.schema
      .alterTable(table)
      .addColumn(column, column === 'loop_id' ? 'text' : 'integer')
      .execute();
    await db.schema.createIndex(`${table}_${column}`).on(table).columns(['account_id', column]).unique().where(sql.ref(column), 'is not', null).execute();
  }
}

export async function down(db: AnyDb): Promise<void> {
  for (const [table, column] of [...COLUMNS].reverse()) {
    await db.schema.dropIndex(`${table}_${column}`).ifExists().execute();
    await db.schema.alterTable(table).dropColumn(column).execute();
  }
}
