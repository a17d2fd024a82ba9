import type { FastifyRequest } from 'fastify';
import { guestsWithChatsAt } from '../../core/chat/chat-sessions.js';
import { guestsWithLoopsAt } from '../../core/requests/loops.js';
import { guestsWithStaysAt } from '../../core/stays/stays.js';
import type { Db } from '../../db/database.js';
import { locationScope } from './permissions.js';

/**
 * Which of `guestIds` the caller may see: all of them for a caller who sees every location; else
 * those with a stay, a request or a chat at one of the caller's locations (a guest has no location
 * of its own). Bounded by the ids asked about (a page of a list, one guest).
 */
export async function visibleGuests(db: Db, request: FastifyRequest, guestIds: readonly number[]): Promise<Set<number>> {
  const scope = locationScope(request);
  if (scope === 'all') return new Set(guestIds);
  const accountId = request.accountId;
  const found = await Promise.all([
    guestsWithStaysAt(db, accountId, guestIds, scope),
    guestsWithLoopsAt(db, accountId, guestIds, scope),
    guestsWithChatsAt(db, accountId, guestIds, scope),
  ]);
  return new Set(found.flat());
}
