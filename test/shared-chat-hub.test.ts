import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.js';
import { createChatHub } from '../src/core/chat/shared-chat-hub.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

// The hub announces to other instances only on PostgreSQL (LISTEN/NOTIFY); SQLite has one process.
describe.skipIf(!process.env.TEST_DATABASE_URL)('the chat hub shared between instances (PostgreSQL only: LISTEN/NOTIFY)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('close resolves only once what was published before it has left (the last sockets at shutdown)', async () => {
    // The server closes its database right after the hub: a notice still waiting then would be lost.
    const statements: string[] = [];
    const db = new Kysely<Record<string, never>>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 2 }) }),
      log: (event): void => {
        statements.push(event.query.sql);
      },
    }) as unknown as Db;
    const hub = createChatHub(db, (err) => {
      throw err;
    });
    const typing = { author: 'guest' as const, authorName: 'Ada', authorAvatarUrl: null, timeout: 10 };
    hub.publish({ kind: 'typing', accountId: 1, sessionId: 7, locationId: 3, sessionKey: 'k', typing, at: Date.now() });
    await hub.close();
    expect(statements.filter((s) => s.includes('pg_notify'))).toHaveLength(1);
    await db.destroy();
  });
});
