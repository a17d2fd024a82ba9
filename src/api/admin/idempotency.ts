import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { claimIdempotencyKey, completeIdempotencyKey, type IdempotencyKeyRef, releaseIdempotencyKey } from '../../core/idempotency/idempotency-keys.js';
import { AppError, badRequest } from '../../core/shared/errors.js';
import type { Db } from '../../db/database.js';
import { inWriteTransaction } from '../../db/write-transaction.js';
import type { AdminApp } from './context.js';

/*
 * `Idempotency-Key` on every POST of the admin API (imports included): applied here, once, as
 * hooks of the admin scope, not route by route. The key is taken before the request is validated
 * and run; its final answer (2xx or 4xx) is stored and replayed with `Idempotency-Replayed: true`;
 * a 5xx releases the key, so a retry runs the request again. Keys are per account and credential
 * (core/idempotency/idempotency-keys.ts).
 */

const HEADER = 'idempotency-key';
const MAX_KEY_LENGTH = 255;
/** The headers of an answer that a replay repeats. */
const REPLAYED_HEADERS = ['content-type', 'location'];

declare module 'fastify' {
  interface FastifyRequest {
    /** the Idempotency-Key this request holds, to complete or release when it is answered */
    idempotencyKey?: IdempotencyKeyRef;
  }
}

/** The header as documented on every POST of the admin OpenAPI document. */
const IdempotencyHeader = Type.String({
  minLength: 1,
  maxLength: MAX_KEY_LENGTH,
  description:
    'Optional. A key of your choice (e.g. a UUID), unique per operation: a retry with the same key and the same body answers the first answer again ' +
    '(with `Idempotency-Replayed: true`) instead of doing the work twice. The same key with another body is a 422; while the first request runs, a 409. ' +
    'Keys are per account and credential and kept 24 hours.',
});

/** Registers the hooks on the admin scope; call before its routes. */
export function adminIdempotency(api: AdminApp, db: Db): void {
  api.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST')) return;
    const schema = (route.schema ?? {}) as Record<string, any>;
    const headers = schema.headers ?? { type: 'object', properties: {} };
    route.schema = { ...schema, headers: { ...headers, properties: { ...headers.properties, [HEADER]: IdempotencyHeader } } };
  });

  api.addHook('preValidation', async (request, reply) => {
    if (request.method !== 'POST') return;
    const header = request.headers[HEADER];
    if (header === undefined) return;
    if (Array.isArray(header)) throw badRequest('send one Idempotency-Key header');
    if (header.length === 0 || header.length > MAX_KEY_LENGTH) throw badRequest(`Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`);
    const ref: IdempotencyKeyRef = { accountId: request.accountId, credential: credentialOf(request), key: header };
    const claim = await inWriteTransaction(db, (trx) => claimIdempotencyKey(trx, ref, requestHash(request)));
    switch (claim.outcome) {
      case 'run':
        request.idempotencyKey = ref;
        return;
      case 'replay':
        for (const [name, value] of Object.entries(claim.answer.headers)) reply.header(name, value);
        reply.header('idempotency-replayed', 'true');
        return reply.status(claim.answer.status).send(claim.answer.body);
      case 'in_progress':
        throw new AppError('idempotency_in_progress', 409, 'A request with this Idempotency-Key is still running; retry once it has been answered');
      case 'mismatch':
        throw new AppError('idempotency_key_reused', 422, 'This Idempotency-Key was used for another request (another path or body); use a new key');
    }
  });

  // The final answer of the request that holds the key: stored before it is sent, so a retry that
  // arrives as soon as the client has it finds it.
  api.addHook('onSend', async (request, reply, payload) => {
    const ref = request.idempotencyKey;
    if (!ref) return payload;
    request.idempotencyKey = undefined;
    if (reply.statusCode >= 500 || !(typeof payload === 'string' || Buffer.isBuffer(payload) || payload === null || payload === undefined)) {
      await inWriteTransaction(db, (trx) => releaseIdempotencyKey(trx, ref));
      return payload;
    }
    const answer = { status: reply.statusCode, headers: replayedHeaders(reply), body: payload === null || payload === undefined ? '' : String(payload) };
    await inWriteTransaction(db, (trx) => completeIdempotencyKey(trx, ref, answer));
    return payload;
  });

  // A request that ended without an answer (the client went away): the key is free again.
  api.addHook('onResponse', async (request) => {
    const ref = request.idempotencyKey;
    if (!ref) return;
    request.idempotencyKey = undefined;
    await inWriteTransaction(db, (trx) => releaseIdempotencyKey(trx, ref));
  });
}

function replayedHeaders(reply: FastifyReply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) out[name] = String(value);
  }
  return out;
}

/** Which credential sent the key: a hash of the bearer token (never the token itself). */
function credentialOf(request: FastifyRequest): string {
  // A staff session's keys are the staff member's (each person has their own), a token's the token's.
  const token = request.staff ? `staff:${request.staff.id}` : (/^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? '');
  return createHash('sha256').update(token).digest('base64url').slice(0, 32);
}

/**
 * What makes two requests "the same": method, path with query, and the body as parsed (so JSON
 * whitespace does not matter). A body the route streams itself is known by its type and length.
 */
function requestHash(request: FastifyRequest): string {
  const hash = createHash('sha256').update(`${request.method} ${request.url}\n`);
  // an import body is handed to its route as a stream of its own (routes/import-json-lines.ts)
  const body = request.body ?? request.importBody;
  if (typeof body === 'string' || Buffer.isBuffer(body)) hash.update(body);
  else if (body !== undefined && body !== null && typeof (body as { pipe?: unknown }).pipe === 'function') {
    hash.update(`stream ${request.headers['content-type'] ?? ''} ${request.headers['content-length'] ?? ''}`);
  } else if (body !== undefined) hash.update(JSON.stringify(body));
  return hash.digest('base64url');
}
