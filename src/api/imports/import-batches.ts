import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';
import { isProblem, type ImportProblem, type ImportProgress, type ImportRecord, type ImportResult } from './json-lines.js';
import { RecordError, type RecordFields } from './record-fields.js';

/*
 * The loop shared by the reputation importers: read each record, collect good ones, write them
 * in batches of one transaction each. A batch the database refuses is retried line by line, so
 * one bad row costs its own line and never the other 499.
 */

export const BATCH_SIZE = 500;

/** What the records of an import may be: a parsed text (parseJsonLines) or a stream of lines. */
export type ImportSource = Iterable<ImportRecord | ImportProblem> | AsyncIterable<ImportRecord | ImportProblem>;

export interface LineImporter<T> {
  /** turns one record into what `write` takes; throws (with a message for the report) when it cannot */
  read(value: unknown): T;
  /** writes good records; called inside a transaction */
  write(trx: Db, items: T[]): Promise<void>;
}

function messageOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

/**
 * Runs an import. Takes a database, not a transaction: it opens one transaction per batch, so a
 * large file never holds a lock for long. `onProgress` gets the number of records handled.
 */
export async function runImport<T>(
  db: Db,
  records: ImportSource,
  importer: LineImporter<T>,
  onProgress?: ImportProgress,
  batchSize = BATCH_SIZE,
): Promise<ImportResult> {
  const failed: ImportProblem[] = [];
  let imported = 0;
  let handled = 0;
  let pending: Array<{ line: number; item: T }> = [];

  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length) {
      try {
        await db.transaction().execute((trx) =>
          importer.write(
            trx,
            batch.map((b) => b.item),
          ),
        );
        imported += batch.length;
      } catch {
        for (const { line, item } of batch) {
          try {
            await db.transaction().execute((trx) => importer.write(trx, [item]));
            imported += 1;
          } catch (err) {
            failed.push({ line, message: `could not be stored: ${messageOf(err)}` });
          }
        }
      }
    }
    onProgress?.(handled);
  };

  for await (const record of records) {
    handled += 1;
    if (isProblem(record)) {
      failed.push(record);
    } else {
      try {
        pending.push({ line: record.line, item: importer.read(record.value) });
      } catch (err) {
        failed.push({ line: record.line, message: messageOf(err) });
      }
    }
    if (pending.length >= batchSize) await flush();
    else if (handled % batchSize === 0) onProgress?.(handled);
  }
  await flush();
  failed.sort((a, b) => a.line - b.line);
  return { imported, failed };
}

/**
 * Finds the unit a record names by `unitId` or `propertyCode` among the account's locations:
 * a property or a competitor, never a chain (reviews and reputation belong to one property).
 */
export function unitFinder(locations: Location[]): (fields: RecordFields) => Location {
  const byId = new Map(locations.map((l) => [l.id, l]));
  const byCode = new Map<string, Location[]>();
  for (const l of locations) {
    if (l.property_code === null || l.kind === 'chain') continue;
    byCode.set(l.property_code, [...(byCode.get(l.property_code) ?? []), l]);
  }
  return (fields) => {
    const id = fields.number('unitId', { integer: true, min: 1 });
    const code = fields.text('propertyCode', { max: 100 });
    if (id === null && code === null) throw new RecordError('unitId or propertyCode is required');
    let unit: Location | undefined;
    if (id !== null) {
      unit = byId.get(id);
      if (!unit) throw new RecordError(`unit ${id} does not exist`);
      if (code !== null && unit.property_code !== code) throw new RecordError(`unit ${id} does not have propertyCode "${code}"`);
    } else {
      const matches = byCode.get(code!) ?? [];
      if (matches.length === 0) throw new RecordError(`no unit has propertyCode "${code}"`);
      if (matches.length > 1) throw new RecordError(`several units have propertyCode "${code}"; give unitId`);
      unit = matches[0];
    }
    if (unit.kind === 'chain') throw new RecordError(`unit ${unit.id} is a chain; give one of its properties`);
    return unit;
  };
}
