import type { Config } from '../../config/config.js';
import { CONTACTS_SCOPE, prioBaseUrl, prioTokenUrl } from './context.js';

/** The Contacts API part of `openstay demo --json`: where to get a token, the client and its scope. */
export function presentDemoForContacts(config: Config, client: { clientId: string; clientSecret: string }) {
  return { baseUrl: prioBaseUrl(config), tokenUrl: prioTokenUrl(config), clientId: client.clientId, clientSecret: client.clientSecret, scope: CONTACTS_SCOPE };
}
