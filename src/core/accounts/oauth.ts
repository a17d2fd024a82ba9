import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { OauthClient } from '../../db/schema.js';
import { missingLocationIds } from '../locations/locations.js';
import { AppError, badRequest, unauthorized } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';
import { hashToken, randomToken } from '../shared/tokens.js';

/*
 * OAuth 2 client-credentials grant, shared by every face that speaks OAuth (Loopon, the Contacts
 * API). Clients and tokens belong to an account and to one face (their audience): a client of one
 * face gets no token at another's token endpoint, and its tokens open no other face, whatever its
 * scope names. Secrets and tokens are stored as SHA-256 digests. A token carries a subset of its
 * client's scopes and expires after an hour.
 */

/** The faces that have OAuth clients; clients made before faces were told apart are Loopon's. */
export const OAUTH_FACES = ['loopon', 'prio'] as const;
export type OauthFace = (typeof OAUTH_FACES)[number];

export const ACCESS_TOKEN_TTL_SECONDS = 3600;

export interface NewClient {
  name?: string | null;
  scopes: string[];
  /** units (location ids) the client may use; undefined or null: every unit of the account */
  unitIds?: number[] | null;
  /** the face the client is for (default 'loopon') */
  face?: OauthFace;
}

/** Registers an API client; its secret is returned here only. */
export async function createOauthClient(
  db: Db,
  accountId: number,
  input: NewClient,
  knownScopes: readonly string[],
): Promise<{ client: OauthClient; clientSecret: string }> {
  const scopes = [...new Set(input.scopes.map((s) => s.trim()).filter(Boolean))];
  if (scopes.length === 0) throw badRequest('a client needs at least one scope');
  const unknown = scopes.filter((s) => !knownScopes.includes(s));
  if (unknown.length) throw badRequest(`unknown scope(s): ${unknown.join(', ')} (known: ${knownScopes.join(', ')})`);
  if (input.unitIds) {
    const missing = await missingLocationIds(db, accountId, input.unitIds);
    if (missing.length) throw badRequest(`unknown unit(s): ${missing.join(', ')}`);
  }
  const clientSecret = randomToken(40);
  const client = await db
    .insertInto('oauth_clients')
    .values({
      account_id: accountId,
      client_id: randomToken(24).toLowerCase(),
      secret_hash: hashToken(clientSecret),
      name: input.name ?? null,
      scopes: JSON.stringify(scopes),
      unit_ids: input.unitIds ? JSON.stringify([...new Set(input.unitIds)]) : null,
      created_at: Date.now(),
      revoked_at: null,
      face: input.face ?? 'loopon',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { client, clientSecret };
}

/** The account's API clients, oldest first, revoked ones included (with their revocation time). */
export async function listOauthClients(db: Db, accountId: number): Promise<OauthClient[]> {
  return db.selectFrom('oauth_clients').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

/** What can be shown of a client (never its secret), for the admin API and the CLI alike. */
export function describeOauthClient(client: OauthClient) {
  return {
    clientId: client.client_id,
    name: client.name,
    scopes: clientScopes(client),
    unitIds: clientUnitIds(client),
    created: new Date(Number(client.created_at)).toISOString(),
    revoked: client.revoked_at === null ? null : new Date(Number(client.revoked_at)).toISOString(),
    face: client.face,
  };
}

export function clientScopes(client: Pick<OauthClient, 'scopes'>): string[] {
  return parseJson<string[]>(client.scopes, []);
}

export function clientUnitIds(client: Pick<OauthClient, 'unit_ids'>): number[] | null {
  return client.unit_ids === null ? null : parseJson<number[]>(client.unit_ids, []);
}

/**
 * The client-credentials grant: checks the client, narrows the requested scopes and issues a
 * bearer token. None requested: every scope granted to the client. A scope the face does not know
 * is an invalid_scope; a known one the client was not granted is left out of the token (RFC 6749
 * 3.3 lets the server issue less than asked, and says so in the answer's `scope`), so the token
 * carries only granted scopes; nothing grantable at all is an invalid_scope. Errors carry neutral
 * codes (unauthorized, unknown_scope, scope_not_granted); the token endpoint words them as OAuth.
 */
export async function grantClientCredentials(
  db: Db,
  clientId: string,
  clientSecret: string,
  requestedScope: string | undefined,
  knownScopes: readonly string[],
  face: OauthFace = 'loopon',
): Promise<{ accessToken: string; expiresIn: number; scopes: string[] }> {
  // A client of another face is no client here (the same answer as an unknown one).
  const client = await db
    .selectFrom('oauth_clients')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .where('face', '=', face)
    .executeTakeFirst();
  const given = Buffer.from(hashToken(clientSecret));
  if (!client || !timingSafeEqual(Buffer.from(client.secret_hash), given)) {
    throw unauthorized('client authentication failed');
  }
  const granted = clientScopes(client);
  const requested = requestedScope?.trim() ? [...new Set(requestedScope.trim().split(/\s+/))] : granted;
  const unknown = requested.filter((s) => !knownScopes.includes(s));
  if (unknown.length) throw new AppError('unknown_scope', 400, `unknown scope: ${unknown.join(' ')}`);
  const scopes = requested.filter((s) => granted.includes(s));
  if (scopes.length === 0) throw new AppError('scope_not_granted', 400, `none of the requested scopes is granted to this client: ${requested.join(' ')}`);
  const accessToken = randomToken(48);
  const now = Date.now();
  await db
    .insertInto('oauth_tokens')
    .values({
      account_id: client.account_id,
      client_id: client.id,
      token_hash: hashToken(accessToken),
      scopes: JSON.stringify(scopes),
      created_at: now,
      expires_at: now + ACCESS_TOKEN_TTL_SECONDS * 1000,
      revoked_at: null,
    })
    .execute();
  return { accessToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS, scopes };
}

export interface AccessGrant {
  accountId: number;
  clientId: number;
  scopes: string[];
  /** null: every unit of the account */
  unitIds: number[] | null;
}

/**
 * What a live access token allows on `face`, or undefined for an unknown, expired or revoked one,
 * or one issued to a client of another face.
 */
export async function accessGrantForToken(db: Db, token: string, face: OauthFace = 'loopon'): Promise<AccessGrant | undefined> {
  const row = await db
    .selectFrom('oauth_tokens')
    .innerJoin('oauth_clients', 'oauth_clients.id', 'oauth_tokens.client_id')
    .select(['oauth_tokens.account_id', 'oauth_tokens.client_id', 'oauth_tokens.scopes', 'oauth_tokens.expires_at', 'oauth_clients.unit_ids'])
    .where('oauth_tokens.token_hash', '=', hashToken(token))
    .where('oauth_tokens.revoked_at', 'is', null)
    .where('oauth_clients.revoked_at', 'is', null)
    .where('oauth_clients.face', '=', face)
    .executeTakeFirst();
  if (!row || row.expires_at <= Date.now()) return undefined;
  return { accountId: row.account_id, clientId: row.client_id, scopes: parseJson<string[]>(row.scopes, []), unitIds: clientUnitIds(row) };
}

/** Revokes a client and every token it was issued. */
export async function revokeOauthClient(db: Db, accountId: number, clientId: string): Promise<boolean> {
  const now = Date.now();
  const client = await db.selectFrom('oauth_clients').select('id').where('account_id', '=', accountId).where('client_id', '=', clientId).executeTakeFirst();
  if (!client) return false;
  await db.updateTable('oauth_clients').set({ revoked_at: now }).where('id', '=', client.id).where('revoked_at', 'is', null).execute();
  await db.updateTable('oauth_tokens').set({ revoked_at: now }).where('client_id', '=', client.id).where('revoked_at', 'is', null).execute();
  return true;
}
