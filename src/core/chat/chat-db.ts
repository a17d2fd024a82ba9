import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** The database as the chat module sees it: only its own tables, so a query of another module's is a type error. */
export type ChatDb = Kysely<Pick<Database, 'chat_sessions' | 'chat_events' | 'chat_device_cursors' | 'chat_attachments'>>;
