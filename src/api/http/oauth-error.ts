import { AppError } from '../../core/shared/errors.js';

/* OAuth 2 error bodies (RFC 6749 5.2), for every face with a token endpoint. */

export type OAuthCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope';

/** An RFC 6749 section 5.2 error: rendered as {error, error_description} by the token endpoint. */
export class OAuthError extends AppError {
  constructor(
    readonly oauthCode: OAuthCode,
    status: number,
    message: string,
  ) {
    super(oauthCode, status, message);
  }
}

/** The OAuth code of each error core's client-credentials grant throws (core/accounts/oauth.ts). */
const OAUTH_CODES: Record<string, OAuthCode> = {
  unauthorized: 'invalid_client',
  unknown_scope: 'invalid_scope',
  scope_not_granted: 'invalid_scope',
};

/** The error as an OAuthError when it is one, or one of core's grant errors; else undefined. */
export function asOAuthError(err: AppError): OAuthError | undefined {
  if (err instanceof OAuthError) return err;
  const code = OAUTH_CODES[err.code];
  return code ? new OAuthError(code, err.status, err.message) : undefined;
}
