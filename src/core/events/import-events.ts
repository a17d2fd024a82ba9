import type { WriteContext } from '../shared/write-context.js';
import { recordEvent } from './record-event.js';

/** The counts an import ends with (api/imports ImportResult, as the event carries it). */
export interface ImportSummary {
  imported: number;
  failedCount: number;
  linesRead: number;
}

/**
 * The one event of a bulk import (`import.completed`): a million imported contacts are one event
 * with the counts, not a million `guest.created` (docs/import.md says what consumers get).
 */
export async function recordImportCompleted(ctx: WriteContext, kind: string, summary: ImportSummary): Promise<void> {
  const at = Date.now();
  await recordEvent(ctx, {
    type: 'import.completed',
    subjects: {},
    data: { kind, imported: summary.imported, failedCount: summary.failedCount, linesRead: summary.linesRead, completedAt: at },
    at,
  });
}
