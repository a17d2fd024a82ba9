import type { JobHandlers } from '../core/jobs/job-worker.js';
import { IMPORT_JOB_KIND, importJobHandler } from '../api/imports/import-job.js';

/**
 * Every kind of background job this build runs, by kind: the registry the worker loop claims
 * for. A new kind (webhook deliveries, stay callbacks) adds its handler here.
 */
export function jobHandlers(): JobHandlers {
  return { [IMPORT_JOB_KIND]: importJobHandler };
}
