import type { Db } from '../../db/database.js';
import { importAnswerDocuments } from './import-answer-documents.js';
import { importContacts } from './import-contacts.js';
import type { ImportOptions, ImportSource } from './import-batches.js';
import { importReputation } from './import-reputation.js';
import { importReviews } from './import-reviews.js';
import type { ImportResult } from './json-lines.js';

/** The kinds of bulk import, as the admin API paths and `openstay import` name them. */
export const IMPORT_KINDS = ['reviews', 'reputation', 'answer-documents', 'contacts'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Any importer: the shared contract of import-batches.ts. */
export type Importer = (db: Db, accountId: number, records: ImportSource, opts?: ImportOptions) => Promise<ImportResult>;

export const IMPORTERS: Record<ImportKind, Importer> = {
  reviews: importReviews,
  reputation: importReputation,
  'answer-documents': importAnswerDocuments,
  contacts: importContacts,
};

export function isImportKind(kind: unknown): kind is ImportKind {
  return typeof kind === 'string' && (IMPORT_KINDS as readonly string[]).includes(kind);
}
