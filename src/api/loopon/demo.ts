import type { Config } from '../../config/config.js';
import type { LooponDemo } from '../../core/demo/seed-loopon-demo.js';
import { looponBaseUrl, looponTokenUrl } from './context.js';

/** The Loopon part of `openstay demo --json`: where to get a token, the client, and unit ids. */
export function presentDemoForLoopon(config: Config, client: { clientId: string; clientSecret: string }, units: LooponDemo) {
  return {
    baseUrl: looponBaseUrl(config),
    tokenUrl: looponTokenUrl(config),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    units: units.byName,
    unitsByExampleId: units.byExampleId,
    /** a stay with chat history: GET {baseUrl}/units/{unitId}/stays/{stayId}/events */
    chatStay: units.chatStay,
  };
}
