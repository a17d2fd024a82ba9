import { oauthTokenRoutes } from '../../http/oauth-token-route.js';
import { LOOPON_SCOPES, type LooponApp, type LooponDeps } from '../context.js';

/** POST /oauth2/token: the client-credentials grant for Loopon's clients, with RFC 6749 error bodies. */
export async function tokenRoutes(app: LooponApp, deps: LooponDeps): Promise<void> {
  await oauthTokenRoutes(app, deps, { face: 'loopon', scopes: LOOPON_SCOPES, realm: 'loopon', failureCheck: 'loopon-client' });
}
