import { randomBytes } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Realtime guest chat (Loopon chat sessions over WebSocket):
// - chat_sessions gains the messenger reference id, its expiry (30 days after checkout), the stay
//   that new messages belong to, and last_seq: every stored event and every update of one takes
//   the session's next sequence number (the row update serialises a session's writes, so numbers
//   commit in order), which is what a device's read cursor counts.
// - chat_events is rebuilt with 64-bit ids (PostgreSQL: primary key (account_id, id)), seq, and the
//   author and read time of a chat message as columns (unread counts, mark read).
// - chat_device_cursors: the last seq each guest device was sent, for replay on reconnect.
// - realtime_tickets: single-use, short-lived tickets for the staff WebSocket (stored hashed).

type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);

  await db.schema.alterTable('chat_sessions').addColumn('messenger_ref', 'text').execute();
  await db.schema.alterTable('chat_sessions').addColumn('expires_at', 'bigint').execute();
  // No foreign key: SQLite cannot drop a column that has one (down). A deleted stay is a stale id here, ignored by its readers.
  await db.schema.alterTable('chat_sessions').addColumn('stay_id', 'integer').execute();
  await db.schema
    .alterTable('chat_sessions')
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  const sessions = await db.selectFrom('chat_sessions').select(['id', 'language']).execute();
  for (const session of sessions) {
    await db
      .updateTable('chat_sessions')
      .set({ messenger_ref: randomBytes(9).toString('base64url'), language: session.language ?? 'en' })
      .where('id', '=', session.id)
      .execute();
  }
  await db.schema.createIndex('chat_sessions_messenger_ref').unique().on('chat_sessions').column('messenger_ref').execute();

  await db.schema
    .createTable('chat_events_new')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.notNull() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('session_id', 'integer', (c) => c.notNull().references('chat_sessions.id').onDelete('cascade'))
    .addColumn('stay_id', 'integer', (c) => c.references('stays.id').onDelete('set null'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('author', 'text') // chatMessage: guest | hotel
    .addColumn('read_at', 'bigint') // chatMessage: when the counterpart read it
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .$call((t) => (pg ? t.addPrimaryKeyConstraint('chat_events_pk', ['account_id', 'id']) : t))
    .execute();

  // Existing events keep their ids; each session's get sequence numbers in time order.
  const events = await db.selectFrom('chat_events').selectAll().orderBy('session_id').orderBy('created_at').orderBy('id').execute();
  const lastSeq = new Map<number, number>();
  for (const event of events) {
    const seq = (lastSeq.get(event.session_id) ?? 0) + 1;
    lastSeq.set(event.session_id, seq);
    let payload: Record<string, unknown> = {};
    try {
      payload = JSON.parse(event.payload) ?? {};
    } catch {
      payload = {};
    }
    const author = event.type === 'chatMessage' && (payload.author === 'guest' || payload.author === 'hotel') ? payload.author : null;
    const read = typeof payload.read === 'string' ? Date.parse(payload.read) : Number.NaN;
    await db
      .insertInto('chat_events_new')
      .values({ ...event, seq, author, read_at: Number.isNaN(read) ? null : read })
      .execute();
  }
  for (const [sessionId, seq] of lastSeq) await db.updateTable('chat_sessions').set({ last_seq: seq }).where('id', '=', sessionId).execute();
  await db.schema.dropTable('chat_events').execute();
  await db.schema.alterTable('chat_events_new').renameTo('chat_events').execute();
  if (pg) await sql`select setval(pg_get_serial_sequence('chat_events', 'id'), coalesce((select max(id) from chat_events), 0) + 1, false)`.execute(db);
  await db.schema.createIndex('chat_events_session_seq').unique().on('chat_events').columns(['account_id', 'session_id', 'seq']).execute();
  await db.schema.createIndex('chat_events_session_id').on('chat_events').columns(['account_id', 'session_id', 'id']).execute();
  await db.schema.createIndex('chat_events_stay').on('chat_events').columns(['account_id', 'stay_id', 'created_at']).execute();

  await db.schema
    .createTable('chat_device_cursors')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('session_id', 'integer', (c) => c.notNull().references('chat_sessions.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_device_cursors_pk', ['account_id', 'session_id', 'device_id'])
    .execute();
  await db.schema.createIndex('chat_device_cursors_session').on('chat_device_cursors').columns(['session_id']).execute();

  await db.schema
    .createTable('realtime_tickets')
    .addColumn('ticket_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('realtime_tickets_account').on('realtime_tickets').columns(['account_id', 'expires_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  await db.schema.dropTable('realtime_tickets').ifExists().execute();
  await db.schema.dropTable('chat_device_cursors').ifExists().execute();
  // chat_events back to its earlier shape: author and read return to the payload.
  await db.schema
    .createTable('chat_events_old')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('session_id', 'integer', (c) => c.notNull().references('chat_sessions.id').onDelete('cascade'))
    .addColumn('stay_id', 'integer', (c) => c.references('stays.id').onDelete('set null'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  const events = await db.selectFrom('chat_events').selectAll().orderBy('id').execute();
  for (const event of events) {
    let payload: Record<string, unknown> = {};
    try {
      payload = JSON.parse(event.payload) ?? {};
    } catch {
      payload = {};
    }
    if (event.type === 'chatMessage') {
      payload.author = event.author;
      payload.read = event.read_at === null ? null : new Date(Number(event.read_at)).toISOString();
    }
    const { id, account_id, session_id, stay_id, type, created_at, updated_at } = event;
    await db
      .insertInto('chat_events_old')
      .values({ id, account_id, session_id, stay_id, type, payload: JSON.stringify(payload), created_at, updated_at })
      .execute();
  }
  await db.schema.dropTable('chat_events').execute();
  await db.schema.alterTable('chat_events_old').renameTo('chat_events').execute();
  if (pg) await sql`select setval(pg_get_serial_sequence('chat_events', 'id'), coalesce((select max(id) from chat_events), 0) + 1, false)`.execute(db);
  await db.schema.createIndex('chat_events_stay').on('chat_events').columns(['account_id', 'stay_id', 'created_at']).execute();
  await db.schema.createIndex('chat_events_session').on('chat_events').columns(['account_id', 'session_id', 'created_at']).execute();
  await db.schema.dropIndex('chat_sessions_messenger_ref').execute();
  for (const column of ['messenger_ref', 'expires_at', 'stay_id', 'last_seq']) await db.schema.alterTable('chat_sessions').dropColumn(column).execute();
}
