import { Type } from '@sinclair/typebox';
import { listStayChatEvents } from '../../../core/chat/chat-events.js';
import { looponEvent } from '../../../core/chat/loopon-event.js';
import { notFound } from '../../../core/shared/errors.js';
import { findStayAt } from '../../../core/stays/stays.js';
import { requireScope, unitFor } from '../access.js';
import { pathId } from '../path-id.js';
import type { LooponApp, LooponDeps } from '../context.js';
import { readPage } from '../paging.js';
import { errors } from '../schemas.js';
import { EventsQuery, LooponEventSchema, StayParams } from './stays-schemas.js';

/**
 * GET /units/{unitId}/stays/{stayId}/events: the stay's LooponEvents, oldest first, paged by
 * pageId (from 0) and pageSize. These are chat events, so the chat_sessions scope is required.
 */
export async function stayEventRoutes(app: LooponApp, { db }: LooponDeps): Promise<void> {
  app.get(
    '/units/:unitId/stays/:stayId/events',
    {
      schema: {
        summary: 'List the events of a stay',
        description: 'LooponEvents in chronological order (most recent last). A page past the end is an empty array.',
        params: StayParams,
        querystring: EventsQuery,
        response: { 200: Type.Array(LooponEventSchema), ...errors(400, 403, 404) },
      },
    },
    async (request) => {
      requireScope(request, 'chat_sessions');
      const { unit } = await unitFor(db, request, request.params.unitId);
      const stay = await findStayAt(db, request.grant.accountId, unit.id, pathId(request.params.stayId, 'stay'));
      if (!stay) throw notFound('stay');
      const page = readPage(request.query, 50, 500);
      if (page.beyondEnd) return [];
      const events = await listStayChatEvents(db, request.grant.accountId, stay.id, page);
      return events.map(looponEvent);
    },
  );
}
