import { PRIO_SCOPES } from '../src/api/prio/context.js';
import { writeContext } from '../src/core/shared/write-context.js';
import { createOauthClient, grantClientCredentials } from '../src/core/accounts/oauth.js';
import { createGuest } from '../src/core/guests/guests.js';
import { num } from './knobs.js';
import type { ReadyMessage } from './protocol.js';
import { answerParent, startBenchApp } from './bench-app.js';

/*
 * The app under test for bench/contacts.ts, in its own process (bench-app.ts): BENCH_CONTACTS
 * guests (default 1000) in the bench account, and a Contacts API client with its access token.
 */

/** The ready message of this child: the Contacts API access token. */
export interface ContactsReadyMessage extends ReadyMessage {
  accessToken: string;
}

const { app, database, account, port } = await startBenchApp();
const contacts = Math.trunc(num('BENCH_CONTACTS', 1000));
await database.db.transaction().execute(async (trx) => {
  for (let i = 0; i < contacts; i++) await createGuest(writeContext(trx, account.id), { firstName: `Guest ${i}`, email: `guest-${i}@example.com` });
});
const { client, clientSecret } = await createOauthClient(database.db, account.id, { scopes: [...PRIO_SCOPES], face: 'prio' }, PRIO_SCOPES);
const { accessToken } = await grantClientCredentials(database.db, client.client_id, clientSecret, undefined, PRIO_SCOPES, 'prio');
answerParent(app, database, ['guests']);
process.send?.({ type: 'ready', port, accessToken } satisfies ContactsReadyMessage);
