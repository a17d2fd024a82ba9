import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';
import { badRequest } from '../../core/shared/errors.js';
import { queryValue } from './input.js';

/* Django REST framework's LimitOffsetPagination: ?limit=&offset=, answered {count, next, previous, results}. */

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface Page {
  limit: number;
  offset: number;
}

function nonNegative(query: unknown, name: string): number | undefined {
  const raw = queryValue(query, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw badRequest(`${name}: must be a non-negative integer`);
  return Number(raw);
}

/** The page a request asks for; limit is capped at MAX_LIMIT (0 or none: the default). */
export function pageOf(request: FastifyRequest): Page {
  const limit = nonNegative(request.query, 'limit');
  return { limit: Math.min(limit || DEFAULT_LIMIT, MAX_LIMIT), offset: nonNegative(request.query, 'offset') ?? 0 };
}

/** The list envelope, with next/previous as absolute URLs keeping the request's other parameters. */
export function listAnswer<T>(config: Config, request: FastifyRequest, page: Page, count: number, results: T[]) {
  const link = (offset: number) => {
    const url = new URL(request.url, config.publicUrl);
    url.searchParams.set('limit', String(page.limit));
    if (offset > 0) url.searchParams.set('offset', String(offset));
    else url.searchParams.delete('offset');
    return `${config.publicUrl}${url.pathname}${url.search}`;
  };
  return {
    count,
    next: page.offset + page.limit < count ? link(page.offset + page.limit) : null,
    previous: page.offset > 0 ? link(Math.max(0, page.offset - page.limit)) : null,
    results,
  };
}
