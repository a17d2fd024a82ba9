import { notFound } from '../../core/shared/errors.js';

/** Parses a path id: a positive integer in range, else 404 (an id that names nothing). */
export function pathId(value: string | number, what: string): number {
  // Only the id as this face renders it: "0xd0", "+210", "000212" or "213e0" name nothing.
  const n = typeof value === 'number' ? value : /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 2147483647) throw notFound(what);
  return n;
}
