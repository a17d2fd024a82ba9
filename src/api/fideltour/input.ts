import type { FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../core/shared/errors.js';

/*
 * Reading the Loyalty face's bodies and queries the way its Django REST clients send them:
 * numbers may come as strings, booleans as "true"/"false"; anything else wrong is a 400 naming
 * the field.
 */

export type Body = Record<string, unknown>;

export function bodyOf(request: FastifyRequest): Body {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body must be a JSON object');
  return body as Body;
}

export function optionalString(body: Body, field: string, max = 255): string | null | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw badRequest(`${field}: must be a string`);
  if (value.length > max) throw badRequest(`${field}: at most ${max} characters`);
  return value.trim();
}

export function optionalInteger(body: Body, field: string, opts: { min?: number; max?: number } = {}): number | null | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  // A number, or a string of one as written canonically ("12", not "012", "12.0" or "0x0c").
  const n = typeof value === 'string' && /^(0|-?[1-9]\d{0,9})$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw badRequest(`${field}: must be an integer`);
  if (opts.min !== undefined && n < opts.min) throw badRequest(`${field}: must be at least ${opts.min}`);
  if (n > (opts.max ?? MAX_INT4_ID)) throw badRequest(`${field}: must be at most ${opts.max ?? MAX_INT4_ID}`);
  return n;
}

export function requiredInteger(body: Body, field: string, opts: { min?: number; max?: number } = {}): number {
  const n = optionalInteger(body, field, opts);
  if (n === undefined || n === null) throw badRequest(`${field}: this field is required`);
  return n;
}

export function optionalBoolean(body: Body, field: string): boolean | null | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True' || value === 1 || value === '1') return true;
  if (value === 'false' || value === 'False' || value === 0 || value === '0') return false;
  throw badRequest(`${field}: must be a boolean`);
}

export function optionalDate(body: Body, field: string): string | null | undefined {
  const value = optionalString(body, field, 10);
  if (value === undefined || value === null || value === '') return value === '' ? null : value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw badRequest(`${field}: must be a date YYYY-MM-DD`);
  return value;
}

/** The largest id of a 32-bit key (contacts, products, levels): a larger one names no row. */
export const MAX_INT4_ID = 2_147_483_647;

/**
 * A path id as this face renders ids (a positive integer up to `max`: 32-bit keys by default,
 * 64-bit ones for operations); anything else names nothing (404).
 */
export function pathId(value: string, what: string, max = MAX_INT4_ID): number {
  if (!/^[1-9][0-9]{0,14}$/.test(value)) throw notFound(what);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n > max) throw notFound(what);
  return n;
}

/** A query parameter given once (repeats: the last). */
export function queryValue(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return value.length ? String(value[value.length - 1]) : undefined;
  return value === undefined ? undefined : String(value);
}

/** A time filter: ISO 8601; without an offset it is read as UTC (the face renders UTC without one). */
export function queryInstant(query: unknown, name: string): number | undefined {
  const raw = queryValue(query, name);
  if (raw === undefined || raw === '') return undefined;
  const text = /[zZ]|[+-]\d{2}:?\d{2}$/.test(raw) || /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : `${raw}Z`;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw badRequest(`${name}: must be a date-time such as 2023-11-13T12:11:03`);
  return ms;
}
