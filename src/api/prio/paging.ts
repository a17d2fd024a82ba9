import { badRequest } from '../../core/shared/errors.js';

/*
 * The three paging styles of the Contacts API: items_per_page (default 10, capped at 500, the cap
 * said in the answer's items_per_page), start_index (1-based item position) and page (1-based).
 * When both start_index and page are sent, start_index wins (docs/compat.md): it is the more
 * precise of the two, and page_index in the answer says which page that position lies on.
 */

export const DEFAULT_ITEMS_PER_PAGE = 10;
export const MAX_ITEMS_PER_PAGE = 500;
/** Past this position nothing can be listed: read as an empty page without asking the database. */
const MAX_POSITION = 2 ** 31 - 1;

export interface Paging {
  itemsPerPage: number;
  /** 1-based position of the first item */
  startIndex: number;
}

export function readPaging(query: { items_per_page?: string; start_index?: string; page?: string }): Paging {
  const itemsPerPage = Math.min(readPositive(query.items_per_page, 'items_per_page') ?? DEFAULT_ITEMS_PER_PAGE, MAX_ITEMS_PER_PAGE);
  const startIndex = readPositive(query.start_index, 'start_index');
  const page = readPositive(query.page, 'page');
  if (startIndex !== undefined) return { itemsPerPage, startIndex: Math.min(startIndex, MAX_POSITION) };
  if (page !== undefined) return { itemsPerPage, startIndex: Math.min((page - 1) * itemsPerPage + 1, MAX_POSITION) };
  return { itemsPerPage, startIndex: 1 };
}

/** A whole number from 1 as written in a query string; absent or empty: undefined. */
function readPositive(value: string | undefined, name: string): number | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  if (!/^\+?\d+$/.test(text)) throw badRequest(`${name} must be a whole number from 1`);
  const n = Number(text);
  if (n < 1) throw badRequest(`${name} must be a whole number from 1`);
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

/** The envelope's paging fields for a page of `count` items out of `total`. */
export function pageEnvelope(paging: Paging, count: number, total: number) {
  return {
    current_item_count: count,
    items_per_page: paging.itemsPerPage,
    start_index: paging.startIndex,
    total_items: total,
    page_index: Math.floor((paging.startIndex - 1) / paging.itemsPerPage) + 1,
    total_pages: Math.ceil(total / paging.itemsPerPage),
  };
}
