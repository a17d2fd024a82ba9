import { LOOPON_SCOPES } from '../src/api/loopon/context.js';
import { createOauthClient, grantClientCredentials } from '../src/core/accounts/oauth.js';
import type { ReadyMessage } from './protocol.js';
import { answerParent, startBenchApp } from './bench-app.js';

/*
 * The app under test for bench/stays.ts, in its own process (bench-app.ts), with a Loopon client
 * of the bench account holding basic, manage_stays and chat_sessions.
 */

/** The ready message of this child: the Loopon access token and the unit to post stays to. */
export interface StaysReadyMessage extends ReadyMessage {
  accessToken: string;
  unitId: number;
}

const { app, database, account, location: unit, port } = await startBenchApp();
const { client, clientSecret } = await createOauthClient(database.db, account.id, { scopes: ['basic', 'manage_stays', 'chat_sessions'] }, LOOPON_SCOPES);
const { accessToken } = await grantClientCredentials(database.db, client.client_id, clientSecret, undefined, LOOPON_SCOPES);
answerParent(app, database, ['guests', 'stays', 'stay_links', 'stay_callbacks', 'chat_sessions', 'journey_events']);
process.send?.({ type: 'ready', port, accessToken, unitId: unit.id } satisfies StaysReadyMessage);
