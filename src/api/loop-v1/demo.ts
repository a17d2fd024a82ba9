import type { Config } from '../../config/config.js';
import type { DemoIds } from '../../core/demo/seed-demo.js';
import { encodeId } from './ids.js';
import { DEMO_LOOP_IDS as kept } from '../../core/demo/demo-face-ids.js';

const mapValues = (o: Record<string, number>, f: (n: number) => string) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

/** The Loop part of `openstay demo --json`: base URL, token, and the demo's ids as the Loop face shows them (the documents' own). */
export function presentDemoForLoop(config: Config, authToken: string, ids: DemoIds) {
  return {
    baseUrl: `${config.publicUrl}/loop`,
    authToken,
    ids: {
      locations: Object.fromEntries(
        Object.entries(ids.locations).map(([code, id]) => [code, kept.locations[code as keyof typeof kept.locations] ?? encodeId('location', id)]),
      ),
      looptypes: mapValues(ids.loopTypes, (id) => encodeId('looptype', id)),
      customfields: Object.fromEntries(
        Object.entries(ids.customFields).map(([code, id]) => [code, code === 'room' ? kept.customFields.room : encodeId('customfield', id)]),
      ),
      survey: kept.survey,
      categoryIds: [...kept.questions],
      employee: kept.employees.benria,
      contact: encodeId('guest', ids.contact),
      customer: kept.customer,
    },
  };
}
