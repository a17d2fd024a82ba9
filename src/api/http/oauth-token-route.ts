import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../core/shared/errors.js';
import { sendError, toAppError } from './errors.js';
import { grantClientCredentials, type OauthFace } from '../../core/accounts/oauth.js';
import { asOAuthError, OAuthError } from './oauth-error.js';
import type { CredentialLimits } from './credential-failures.js';

/*
 * The OAuth 2 token endpoint (client-credentials grant) of every face that has one: Loopon's and
 * the Contacts API's. Each face passes its own audience, scopes and realm: a client of one face
 * authenticates at no other face's endpoint.
 */

type AnyApp = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

export interface TokenEndpoint {
  /** the face (audience) whose clients this endpoint serves */
  face: OauthFace;
  /** the scopes the face knows */
  scopes: readonly string[];
  /** the realm of WWW-Authenticate: Basic */
  realm: string;
  /** the credential-failure counter's name (per address and client id) */
  failureCheck: string;
}

interface TokenDeps {
  db: Parameters<typeof grantClientCredentials>[0];
  credentialLimits: CredentialLimits;
}

const TokenBody = Type.Object({
  grant_type: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  client_secret: Type.Optional(Type.String()),
  scope: Type.Optional(Type.Union([Type.String({ description: 'space-separated scopes' }), Type.Array(Type.String())])),
});

const TokenResponse = Type.Object({ token_type: Type.Literal('Bearer'), expires_in: Type.Integer(), access_token: Type.String(), scope: Type.String() });
const OAuthErrorBody = Type.Object({ error: Type.String(), error_description: Type.String() });

/** HTTP Basic client authentication (RFC 6749 2.3.1): form-urlencoded id and secret. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * The token endpoint speaks only RFC 6749 (5.2): whatever goes wrong with a request (malformed
 * JSON, wrong types, a body too large) is an `invalid_request` error body, never the face's own.
 */
const oauthErrorHandler =
  (realm: string) =>
  (err: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const appError = toAppError(err, request);
    const oauthError = asOAuthError(appError);
    if (oauthError) {
      if (oauthError.status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', `Basic realm="${realm}"`);
      sendError(reply, oauthError, { error: oauthError.oauthCode, error_description: oauthError.message });
    } else if (appError.status === 429) {
      sendError(reply, appError, { error: appError.code, error_description: appError.message });
    } else if (appError.status >= 500) {
      sendError(reply, appError, { error: 'server_error', error_description: appError.message });
    } else {
      // A body too large or too slow keeps its status (413, 408: the connection closes); other input errors are 400.
      const status = appError.status === 413 || appError.status === 408 ? appError.status : 400;
      sendError(reply, new AppError(appError.code, status, appError.message), { error: 'invalid_request', error_description: appError.message });
    }
  };

/** POST /oauth2/token: the client-credentials grant, with RFC 6749 error bodies. */
export async function oauthTokenRoutes(app: AnyApp, deps: TokenDeps, endpoint: TokenEndpoint): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler(oauthErrorHandler(endpoint.realm));
    tokenRoute(scope.withTypeProvider<TypeBoxTypeProvider>(), deps, endpoint);
  });
}

function tokenRoute(app: AnyApp, { db, credentialLimits }: TokenDeps, endpoint: TokenEndpoint): void {
  // Failed client authentications, counted per address and per client id.
  const failures = credentialLimits.failuresOf(endpoint.failureCheck);
  // A token is only ever obtained by POST; any other method is told so (405 with Allow).
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/oauth2/token',
    schema: { hide: true },
    handler: async (_request, reply) =>
      reply.status(405).header('allow', 'POST').send({ error: 'invalid_request', error_description: 'the token endpoint takes POST' }),
  });
  app.post(
    '/oauth2/token',
    {
      schema: {
        summary: 'Obtain an access token (client credentials grant)',
        description: 'Form-encoded grant_type=client_credentials, client_id, client_secret (or HTTP Basic), scope.',
        body: Type.Optional(TokenBody),
        response: { 200: TokenResponse, 400: OAuthErrorBody, 401: OAuthErrorBody, 429: OAuthErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const basic = basicCredentials(request.headers.authorization);
      if (!body.grant_type) throw new OAuthError('invalid_request', 400, 'grant_type is required');
      if (body.grant_type !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', 400, 'only the client_credentials grant is supported');
      }
      const clientId = basic?.id ?? body.client_id;
      const clientSecret = basic?.secret ?? body.client_secret;
      if (!clientId || !clientSecret) {
        if (basic === undefined && request.headers.authorization === undefined) reply.header('www-authenticate', `Basic realm="${endpoint.realm}"`);
        throw new OAuthError('invalid_client', 401, 'client_id and client_secret are required');
      }
      const scope = Array.isArray(body.scope) ? body.scope.join(' ') : body.scope;
      const locked = failures.lockout(request, clientId);
      if (locked) throw locked;
      const token = await grantClientCredentials(db, clientId, clientSecret, scope, endpoint.scopes, endpoint.face).catch(async (err: unknown) => {
        if (err instanceof AppError && err.status === 401) await failures.failed(request, clientId);
        throw err;
      });
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return { token_type: 'Bearer' as const, expires_in: token.expiresIn, access_token: token.accessToken, scope: token.scopes.join(' ') };
    },
  );
}
