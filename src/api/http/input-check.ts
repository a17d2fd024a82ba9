/** How deep JSON may nest: enough for any real payload, far from what overflows a stack later. */
export const MAX_NESTING = 32;

/**
 * What makes `value` (params, query or a parsed body) unstorable, or undefined when nothing does:
 * a NUL character in a string or key (PostgreSQL text cannot hold one), or nesting deeper than
 * MAX_NESTING (JSON.stringify of a 5,000-deep array overflows the stack). Refused up front with a
 * 400 instead of failing later. Runs on every request: plain loops, no allocation.
 */
export function inputProblem(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') return value.indexOf('\u0000') === -1 ? undefined : 'text must not contain NUL characters';
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_NESTING) return `JSON must not nest deeper than ${MAX_NESTING} levels`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = inputProblem(value[i], depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (key.indexOf('\u0000') !== -1) return 'text must not contain NUL characters';
    const problem = inputProblem(record[key], depth + 1);
    if (problem) return problem;
  }
  return undefined;
}
