import type { Config } from '../../config/config.js';
import type { LoyaltyAccess } from '../../core/loyalty/provision.js';
import { fideltourBaseUrl, fideltourPortalUrl } from './context.js';

/** The `loyalty` object of `openstay demo --json` and `openstay account create --json`. */
export function presentLoyaltyAccess(config: Config, access: LoyaltyAccess) {
  return {
    baseUrl: fideltourBaseUrl(config),
    token: access.token,
    username: access.username,
    password: access.password,
    portalUrl: fideltourPortalUrl(config),
  };
}
