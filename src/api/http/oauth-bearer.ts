import type { FastifyRequest } from 'fastify';
import type { AccessGrant } from '../../core/accounts/oauth.js';
import { unauthorized } from '../../core/shared/errors.js';
import type { CredentialFailures } from './credential-failures.js';

/*
 * The bearer check of every face with OAuth clients (Loopon, the Contacts API): the token must be
 * one of that face's (its audience); a locked-out address or token is a 429 before the token is
 * looked at, and a wrong token counts as a failed credential.
 */

/**
 * The grant of the request's bearer token as the face's `grantFor` finds it (a token of that face's
 * clients only), or a 401 saying `invalid` when there is none.
 */
export async function bearerGrant(
  failures: CredentialFailures,
  request: FastifyRequest,
  grantFor: (token: string) => Promise<AccessGrant | undefined>,
  invalid = 'access token is invalid, expired or revoked',
): Promise<AccessGrant> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw unauthorized('Authorization: Bearer <access token> header is required');
  const token = match[1];
  const locked = failures.lockout(request, token);
  if (locked) throw locked;
  const grant = await grantFor(token);
  if (!grant) {
    await failures.failed(request, token);
    throw unauthorized(invalid);
  }
  return grant;
}
