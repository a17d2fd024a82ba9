import { listLocations } from '../../core/locations/locations.js';
import { ALL_SOURCES, upsertSnapshots, type SnapshotInput } from '../../core/reputation/snapshots.js';
import { normalizeSource } from '../../core/reputation/values.js';
import type { Db } from '../../db/database.js';
import { allOrLineByLine, runImport, unitFinder, type ImportOptions, type ImportSource } from './import-batches.js';
import type { ImportResult } from './json-lines.js';
import { RecordError, RecordFields } from './record-fields.js';

/*
 * Imports reputation snapshots from JSON lines (one unit, day and source per line; format in
 * docs/import.md). A snapshot is keyed by unit, date and source: importing again replaces it.
 */

const FIELDS = ['unitId', 'propertyCode', 'date', 'source', 'rank', 'rankOf', 'score', 'normalizedScore'] as const;

/** Imports reputation snapshots (JSON lines) into the account. */
export async function importReputation(db: Db, accountId: number, records: ImportSource, opts: ImportOptions = {}): Promise<ImportResult> {
  const findUnit = unitFinder(await listLocations(db, accountId));
  return runImport<SnapshotInput>(
    db,
    records,
    {
      read(value) {
        const fields = new RecordFields(value, FIELDS);
        const unit = findUnit(fields);
        const day = fields.date('date', true);
        const source = fields.has('source') ? normalizeSource(fields.text('source', { max: 100 }) ?? ALL_SOURCES) : ALL_SOURCES;
        const rank = fields.number('rank', { min: 1 });
        const rankOf = fields.number('rankOf', { min: 1, integer: true });
        if (rank !== null && rankOf !== null && rank > rankOf) throw new RecordError('rank cannot be greater than rankOf');
        const score = fields.number('score', { min: 0, max: 10 });
        const normalized = fields.number('normalizedScore', { min: 0, max: 1 });
        if (rank === null && rankOf === null && score === null && normalized === null) {
          throw new RecordError('give at least one of rank, rankOf, score, normalizedScore');
        }
        return { locationId: unit.id, day, source, rank, rankOf, score, normalizedScore: normalized ?? (score === null ? null : score / 10) };
      },
      write: allOrLineByLine((trx, items) => upsertSnapshots(trx, accountId, items)),
    },
    opts,
  );
}
