import type { Kysely } from 'kysely';

// Frozen: this migration imports no application code and must never change once released.
// Stay callback tokens must be sent later, so they are encrypted at rest (not hashed). The key
// (SECRET_KEY) is not something a migration has: this adds the column for the sealed token, and
// the server and the CLI, which have the key, seal the plaintext tokens still in auth_token after
// migrating (core/stays/stay-callbacks.ts sealPlaintextCallbackTokens), then clear them. A token
// is in exactly one of the two columns, so a plaintext token is never mistaken for a sealed one.

type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('stay_callbacks').addColumn('auth_token_sealed', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('stay_callbacks').dropColumn('auth_token_sealed').execute();
}
