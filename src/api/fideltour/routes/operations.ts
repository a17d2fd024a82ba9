import type { FastifyInstance } from 'fastify';
import { findGuest, findGuestsByIds } from '../../../core/guests/guests.js';
import { lookupGuestsByContact } from '../../../core/guests/identity.js';
import { addPoints, redeemPoints } from '../../../core/loyalty/ledger.js';
import { MAX_POINTS } from '../../../core/loyalty/points-limit.js';
import { findOperation, listOperations } from '../../../core/loyalty/operations.js';
import { badRequest, notFound } from '../../../core/shared/errors.js';
import type { LoyaltyOperation } from '../../../db/schema.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { FideltourDeps } from '../context.js';
import { MAX_INT4_ID, bodyOf, optionalInteger, optionalString, pathId, queryInstant, queryValue, requiredInteger, type Body } from '../input.js';
import { listAnswer, pageOf } from '../paging.js';
import { emailsOf, presentOperation } from '../presenters.js';

/** The points ledger: list and read operations, add and redeem points. */
export async function operationRoutes(app: FastifyInstance, { db, config }: FideltourDeps): Promise<void> {
  const present = async (accountId: number, ops: LoyaltyOperation[]) => {
    const emailOf = emailsOf(await findGuestsByIds(db, accountId, [...new Set(ops.map((op) => op.guest_id))]));
    return ops.map((op) => presentOperation(op, emailOf(op.guest_id)));
  };

  app.get(
    '/operations/',
    { schema: { tags: ['operations'], summary: 'List operations (filters contact, contact_email, point_type, timestamp__gte, timestamp__lte)' } },
    async (request) => {
      const page = pageOf(request);
      const { accountId } = request.loyaltyCaller;
      const query = request.query;
      let guestIds: number[] | undefined;
      const contact = queryValue(query, 'contact');
      if (contact) guestIds = /^[1-9]\d{0,9}$/.test(contact) && Number(contact) <= MAX_INT4_ID ? [Number(contact)] : [];
      const email = queryValue(query, 'contact_email');
      if (email) {
        const holders = (await lookupGuestsByContact(db, accountId, { email })).map((g) => g.id);
        guestIds = guestIds ? guestIds.filter((id) => holders.includes(id)) : holders;
      }
      const pointTypeText = queryValue(query, 'point_type');
      if (pointTypeText && !/^\d{1,9}$/.test(pointTypeText)) throw badRequest('point_type: must be an integer');
      const { count, rows } = await listOperations(db, accountId, {
        guestIds,
        pointType: pointTypeText ? Number(pointTypeText) : undefined,
        from: queryInstant(query, 'timestamp__gte'),
        to: queryInstant(query, 'timestamp__lte'),
        ...page,
      });
      return listAnswer(config, request, page, count, await present(accountId, rows));
    },
  );

  app.get<{ Params: { id: string } }>('/operations/:id/', { schema: { tags: ['operations'], summary: 'Get an operation' } }, async (request) => {
    const { accountId } = request.loyaltyCaller;
    const op = await findOperation(db, accountId, pathId(request.params.id, 'operation', Number.MAX_SAFE_INTEGER));
    if (!op) throw notFound('operation');
    return (await present(accountId, [op]))[0];
  });

  const contactOf = async (accountId: number, body: Body) => {
    const id = requiredInteger(body, 'contact', { min: 1 });
    const guest = id > MAX_INT4_ID ? undefined : await findGuest(db, accountId, id);
    if (!guest) throw badRequest(`contact: no contact ${id}`);
    return guest;
  };

  app.post('/operations/add-points/', { schema: { tags: ['operations'], summary: 'Add points (point_type required)' } }, async (request, reply) => {
    const body = bodyOf(request);
    const { accountId, userId } = request.loyaltyCaller;
    const points = requiredInteger(body, 'points', { min: 1, max: MAX_POINTS });
    const pointType = requiredInteger(body, 'point_type', { min: 0, max: MAX_INT4_ID });
    const levelPoints = optionalInteger(body, 'level_points', { min: 0, max: MAX_POINTS }) ?? points;
    const concept = optionalString(body, 'concept');
    const comments = optionalString(body, 'comments', 2000);
    const guest = await contactOf(accountId, body);
    const op = await inWriteTransaction(db, (trx) =>
      addPoints(trx, accountId, guest.id, { points, levelPoints, pointType, concept, comments, managerId: userId, actor: actor(userId) }),
    );
    return reply.status(201).send((await present(accountId, [op]))[0]);
  });

  app.post(
    '/operations/redeem-points/',
    { schema: { tags: ['operations'], summary: 'Redeem points (soonest-expiring lots first; never beyond the balance)' } },
    async (request, reply) => {
      const body = bodyOf(request);
      const { accountId, userId } = request.loyaltyCaller;
      const points = requiredInteger(body, 'points', { min: 1, max: MAX_POINTS });
      const concept = optionalString(body, 'concept');
      const comments = optionalString(body, 'comments', 2000);
      const pointType = optionalInteger(body, 'point_type', { min: 0, max: MAX_INT4_ID });
      const guest = await contactOf(accountId, body);
      const op = await inWriteTransaction(db, (trx) =>
        redeemPoints(trx, accountId, guest.id, { points, concept, comments, pointType, managerId: userId, actor: actor(userId) }),
      );
      return reply.status(201).send((await present(accountId, [op]))[0]);
    },
  );
}

const actor = (userId: number | null) => (userId ? `loyalty-user:${userId}` : 'loyalty-token');
