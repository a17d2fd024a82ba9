import type { AdminApp, AdminDeps } from '../context.js';
import { jsonLinesImportRoute } from './import-json-lines.js';

/** Bulk imports of online reputation: reviews and daily reputation snapshots, as JSON lines. */
export function reputationImportRoutes(app: AdminApp, deps: AdminDeps): void {
  jsonLinesImportRoute(app, deps, {
    kind: 'reviews',
    path: '/imports/reviews',
    summary: 'Import reviews',
    description: 'One review per line, keyed by channel + externalId: importing a review again updates it and replaces its ratings.',
  });
  jsonLinesImportRoute(app, deps, {
    kind: 'reputation',
    path: '/imports/reputation',
    summary: 'Import reputation snapshots',
    description: 'One unit, date and source per line (no source: the all-sources figures); importing again replaces the snapshot.',
  });
}
