import { Type } from '@sinclair/typebox';
import { grantClientCredentials, OAuthError } from '../../../core/accounts/oauth.js';
import type { LooponApp, LooponDeps } from '../context.js';

const TokenBody = Type.Object({
  grant_type: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  client_secret: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String({ description: 'space-separated scopes' })),
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
  const unescape = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** POST /oauth2/token: the client-credentials grant, with RFC 6749 error bodies. */
export async function tokenRoutes(app: LooponApp, { db }: LooponDeps): Promise<void> {
  app.post(
    '/oauth2/token',
    {
      schema: {
        summary: 'Obtain an access token (client credentials grant)',
        description: 'Form-encoded grant_type=client_credentials, client_id, client_secret (or HTTP Basic), scope.',
        body: Type.Optional(TokenBody),
        response: { 200: TokenResponse, 400: OAuthErrorBody, 401: OAuthErrorBody },
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
        if (basic === undefined && request.headers.authorization === undefined) reply.header('www-authenticate', 'Basic realm="loopon"');
        throw new OAuthError('invalid_client', 401, 'client_id and client_secret are required');
      }
      const token = await grantClientCredentials(db, clientId, clientSecret, body.scope);
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return { token_type: 'Bearer' as const, expires_in: token.expiresIn, access_token: token.accessToken, scope: token.scopes.join(' ') };
    },
  );
}
