import type { AdminApp, AdminDeps } from '../context.js';
import { answerDocumentImportRoutes } from './import-answer-documents.js';
import { configImportRoute, contactImportRoute } from './import-config.js';
import { importJobRoutes } from './import-jobs.js';
import { streamJsonLinesBodies } from './import-json-lines.js';
import { reputationImportRoutes } from './import-reputation.js';

/**
 * The bulk imports and their background jobs, in a scope of their own: only here are JSON-lines
 * (and text/plain) bodies handed over as streams instead of being read into a string.
 */
export async function importRoutes(app: AdminApp, deps: AdminDeps): Promise<void> {
  streamJsonLinesBodies(app);
  answerDocumentImportRoutes(app, deps);
  reputationImportRoutes(app, deps);
  configImportRoute(app, deps);
  contactImportRoute(app, deps);
  importJobRoutes(app, deps);
}
