import type { Config } from '../../config/config.js';
import type { LooponDemo } from '../../core/demo/seed-loopon-demo.js';
import { looponBaseUrl, looponTokenUrl } from './context.js';

/** The Loopon part of `openstay demo --json`: where to get a token, the client, and unit ids. */
export function presentDemoForLoopon(config: Config, client: { clientId: string; clientSecret: string }, units: LooponDemo) {
  // The demo's units keep the document's ids (1203, 1204...): the face shows those, not our keys.
  const shown = new Map(Object.entries(units.byExampleId).map(([example, row]) => [row, Number(example)]));
  const unitId = (row: number) => shown.get(row) ?? row;
  return {
    baseUrl: looponBaseUrl(config),
    tokenUrl: looponTokenUrl(config),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    units: Object.fromEntries(Object.entries(units.byName).map(([name, row]) => [name, unitId(row)])),
    unitsByExampleId: Object.fromEntries(Object.entries(units.byExampleId).map(([example, row]) => [example, unitId(row)])),
    /** a stay with chat history: GET {baseUrl}/units/{unitId}/stays/{stayId}/events */
    chatStay: { ...units.chatStay, unitId: unitId(units.chatStay.unitId) },
  };
}
