import { Type } from '@sinclair/typebox';
import { badRequest } from '../../core/shared/errors.js';

/** Query strings of Loopon's paged lists: pageId from 0, pageSize per page. */
export const PageQuery = {
  pageId: Type.Optional(Type.String({ description: 'page number from 0 (default 0); a page past the end is an empty array' })),
  pageSize: Type.Optional(Type.String({ description: 'items per page; more than the maximum is read as the maximum' })),
};

/** Past this many rows skipped nothing can be left: answer an empty page without asking the database. */
const MAX_OFFSET = 2 ** 31 - 1;

export interface Page {
  offset: number;
  limit: number;
  /** true when the page lies beyond any possible data (Loopon: "empty array if page is out of bounds") */
  beyondEnd: boolean;
}

/**
 * Reads pageId/pageSize as Loopon documents them: an absent or empty value is the default, any
 * page number is allowed (past the end is an empty page), a page size over the maximum is capped.
 * Only what is not a whole number (or a page size below 1) is a 400.
 */
export function readPage(query: { pageId?: string; pageSize?: string }, defaultSize: number, maxSize: number): Page {
  const pageId = readWhole(query.pageId, 'pageId', 0);
  const pageSize = Math.min(readWhole(query.pageSize, 'pageSize', defaultSize), maxSize);
  if (pageSize < 1) throw badRequest('pageSize must be at least 1');
  const offset = pageId * pageSize;
  return offset > MAX_OFFSET ? { offset: 0, limit: pageSize, beyondEnd: true } : { offset, limit: pageSize, beyondEnd: false };
}

function readWhole(value: string | undefined, name: string, fallback: number): number {
  const text = value?.trim() ?? '';
  if (text === '') return fallback;
  if (!/^\+?\d+$/.test(text)) throw badRequest(`${name} must be a whole number from 0`);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}
