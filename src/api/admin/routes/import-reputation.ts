import { importReputation } from '../../imports/import-reputation.js';
import { importReviews } from '../../imports/import-reviews.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { jsonLinesImportRoute } from './import-json-lines.js';

/** Bulk imports of online reputation: reviews and daily reputation snapshots, as JSON lines. */
export async function reputationImportRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  jsonLinesImportRoute(app, db, {
    path: '/imports/reviews',
    summary: 'Import reviews',
    description: 'One review per line, keyed by channel + externalId: importing a review again updates it and replaces its ratings.',
    importer: importReviews,
  });
  jsonLinesImportRoute(app, db, {
    path: '/imports/reputation',
    summary: 'Import reputation snapshots',
    description: 'One unit, date and source per line (no source: the all-sources figures); importing again replaces the snapshot.',
    importer: importReputation,
  });
}
