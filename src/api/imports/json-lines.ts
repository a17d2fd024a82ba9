/*
 * Bulk imports (answer documents, reviews, reputation) read JSON lines. Every importer has the
 * same shape, so the admin API and `openstay import` drive any of them the same way: records go
 * in one by one, each line is checked, good lines are written in batches (one transaction per
 * batch), bad lines are reported with their line number and never stop the import.
 */

export interface ImportRecord {
  /** 1-based line number in the source, for error reports */
  line: number;
  value: unknown;
}

export interface ImportProblem {
  line: number;
  message: string;
}

export interface ImportResult {
  imported: number;
  failed: ImportProblem[];
}

/** Called after each batch with the number of lines handled so far. */
export type ImportProgress = (handled: number) => void;

/** Splits JSON-lines text into records; a line that is not JSON becomes a problem, not a crash. */
export function* parseJsonLines(text: string): Generator<ImportRecord | ImportProblem> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    try {
      yield { line: i + 1, value: JSON.parse(raw) };
    } catch {
      yield { line: i + 1, message: 'not valid JSON' };
    }
  }
}

export function isProblem(item: ImportRecord | ImportProblem): item is ImportProblem {
  return 'message' in item;
}
