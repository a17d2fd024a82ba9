import type { Config } from '../../config/config.js';
import type { DemoIds } from '../../core/demo/seed-demo.js';
import { encodeId } from './ids.js';

const mapValues = (o: Record<string, number>, f: (n: number) => string) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

/** The Loop part of `openstay demo --json`: base URL, token, and the demo's ids in Loop format. */
export function presentDemoForLoop(config: Config, authToken: string, ids: DemoIds) {
  return {
    baseUrl: `${config.publicUrl}/loop`,
    authToken,
    ids: {
      locations: mapValues(ids.locations, (id) => encodeId('location', id)),
      looptypes: mapValues(ids.loopTypes, (id) => encodeId('looptype', id)),
      customfields: mapValues(ids.customFields, (id) => encodeId('customfield', id)),
      survey: encodeId('survey', ids.survey),
      categoryIds: ids.questions.map((id) => encodeId('question', id)),
      employee: encodeId('employee', ids.employee),
      contact: encodeId('guest', ids.contact),
      customer: encodeId('guest', ids.customer),
    },
  };
}
