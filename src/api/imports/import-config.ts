import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { applyConfigRecord } from './config-apply.js';
import type { Outcome } from './config-ids.js';
import { type ConfigRecord, readConfigRecord } from './config-records.js';
import { LINES_PER_BATCH, messageOf, runImport, underSavepoint, type ImportOptions, type ImportSource } from './import-batches.js';
import type { ImportResult } from './json-lines.js';

/*
 * The configuration import (docs/import.md, "Configuration"): chains, locations, competitive sets,
 * loop types, custom fields, surveys and employees, with the ids they had in the product the hotel
 * leaves. Each line is written on its own (a savepoint each: a bad line leaves nothing behind) and
 * in file order, as later lines name earlier ones. A dry run writes the same way and undoes every
 * batch, so it answers exactly what the import would do.
 */

export interface ConfigImportOptions extends ImportOptions {
  /** check and count, write nothing */
  dryRun?: boolean;
}

export interface ConfigImportResult extends ImportResult {
  create: number;
  update: number;
  unchanged: number;
}

export async function importConfig(db: Db, accountId: number, records: ImportSource, opts: ConfigImportOptions = {}): Promise<ConfigImportResult> {
  const counts: Record<Outcome, number> = { create: 0, update: 0, unchanged: 0 };
  const result = await runImport<ConfigRecord>(
    db,
    records,
    {
      read: readConfigRecord,
      async write(trx, items) {
        const failed: Array<{ line: number; error: string }> = [];
        const writeAll = async () => {
          for (const { line, item } of items) {
            try {
              counts[await underSavepoint(trx, 'config_line', () => applyConfigRecord(trx, accountId, item))]++;
            } catch (err) {
              failed.push({ line, error: messageOf(err) });
            }
          }
        };
        if (!opts.dryRun) {
          await writeAll();
          return failed;
        }
        await sql.raw('savepoint config_dry_run').execute(trx);
        await writeAll();
        await sql.raw('rollback to savepoint config_dry_run').execute(trx);
        await sql.raw('release savepoint config_dry_run').execute(trx);
        return failed;
      },
    },
    // One batch holds as many lines as runImport reads at once, so that in a dry run a line sees
    // what the earlier lines of a file of up to LINES_PER_BATCH lines would have written.
    { ...opts, batchSize: opts.dryRun ? LINES_PER_BATCH : (opts.batchSize ?? 500) },
  );
  return { ...result, ...counts };
}
