import { Type } from '@sinclair/typebox';
import { findGuest, findGuestsByIds } from '../../../core/guests/guests.js';
import { listGuests } from '../../../core/guests/list-guests.js';
import { listLevels } from '../../../core/loyalty/levels.js';
import { addPoints, redeemPoints } from '../../../core/loyalty/ledger.js';
import { MAX_POINTS } from '../../../core/loyalty/points-limit.js';
import { findMember, listEnrolledMembers } from '../../../core/loyalty/members.js';
import { listOperations } from '../../../core/loyalty/operations.js';
import { notFound } from '../../../core/shared/errors.js';
import type { Guest, LoyaltyMember, LoyaltyOperation } from '../../../db/schema.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { Id, IdParams, Instant, Nullable, errors } from '../schemas.js';

const tags = ['loyalty'];

export const LoyaltyMemberSchema = Type.Object({
  guestId: Id,
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  signinEmail: Nullable(Type.String()),
  enrolledAt: Instant,
  levelId: Nullable(Type.Integer()),
  points: Type.Integer({ description: 'spendable balance' }),
  levelPoints: Type.Integer({ description: 'qualification points; levels follow them' }),
});
export const LoyaltyMemberListSchema = Type.Object({ members: Type.Array(LoyaltyMemberSchema) });

export const LoyaltyOperationSchema = Type.Object({
  id: Id,
  kind: Type.String({ description: 'earn, redeem or adjust' }),
  code: Type.String(),
  concept: Nullable(Type.String({ description: 'the reason given' })),
  comments: Nullable(Type.String()),
  points: Type.Integer({ description: 'positive for an earning, negative for a redemption' }),
  levelPoints: Type.Integer(),
  expiresAt: Nullable(Instant),
  remainingPoints: Type.Integer({ description: 'of an earning (a lot): what is left to spend' }),
  consumedPoints: Type.Integer(),
  expiredPoints: Nullable(Type.Integer()),
  productId: Nullable(Type.Integer()),
  createdAt: Instant,
});

export const LoyaltyMemberDetailSchema = Type.Object({
  ...LoyaltyMemberSchema.properties,
  levelName: Nullable(Type.String()),
  lots: Type.Array(LoyaltyOperationSchema, { description: 'earnings with points left to spend, soonest expiry first' }),
  operations: Type.Array(LoyaltyOperationSchema, { description: 'the latest 200 operations, newest first' }),
  operationCount: Type.Integer(),
});

const MemberListQuery = Type.Object(
  {
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

export const ManualOperationBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('add'), Type.Literal('redeem')]),
    points: Type.Integer({ minimum: 1, maximum: MAX_POINTS }),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'why: kept as the operation concept' }),
  },
  { additionalProperties: false },
);

const presentMember = (member: LoyaltyMember, guest: Guest | undefined) => ({
  guestId: member.guest_id,
  name: guest ? (guest.name ?? ([guest.first_name, guest.last_name].filter(Boolean).join(' ') || null)) : null,
  email: guest?.email ?? null,
  signinEmail: member.signin_email,
  enrolledAt: member.enrolled_at ?? 0,
  levelId: member.level_id,
  points: Number(member.points),
  levelPoints: Number(member.level_points),
});

export const presentOperation = (o: LoyaltyOperation) => ({
  id: Number(o.id),
  kind: o.kind,
  code: o.code,
  concept: o.concept,
  comments: o.comments,
  points: Number(o.points),
  levelPoints: Number(o.level_points),
  expiresAt: o.expires_at === null ? null : Number(o.expires_at),
  remainingPoints: Number(o.remaining_points),
  consumedPoints: Number(o.consumed_points),
  expiredPoints: o.expired_points === null ? null : Number(o.expired_points),
  productId: o.product_id,
  createdAt: Number(o.created_at),
});

/** The member of a guest id (a merged-away id answers as its survivor); 404 when not enrolled. */
async function enrolled(db: AdminDeps['db'], accountId: number, id: number) {
  const guest = await findGuest(db, accountId, id);
  const member = guest && (await findMember(db, accountId, guest.id));
  if (!guest || !member || member.enrolled_at === null) throw notFound(`loyalty member ${id}`);
  return { guest, member };
}

/**
 * Loyalty members as staff see them: find one, read the balance, its lots and operations, and add
 * or redeem points by hand with a reason (the same ledger as the Loyalty face).
 */
export async function loyaltyMemberRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get(
    '/loyalty/members',
    {
      schema: {
        tags,
        summary: 'List loyalty members',
        description: 'Enrolled members, latest enrolment first; e-mail (exact, normalised) and name (a part) narrow the list.',
        querystring: MemberListQuery,
        response: { 200: LoyaltyMemberListSchema, ...errors(400) },
      },
    },
    async (request) => {
      const { email, name, limit = 50, offset = 0 } = request.query;
      const accountId = request.accountId;
      const guestIds = email || name ? (await listGuests(db, accountId, { email, name, limit: 500, offset: 0 })).map((g) => g.id) : undefined;
      const members = await listEnrolledMembers(db, accountId, { guestIds, limit, offset });
      const guests = new Map(
        (
          await findGuestsByIds(
            db,
            accountId,
            members.map((m) => m.guest_id),
          )
        ).map((g) => [g.id, g]),
      );
      return { members: members.map((m) => presentMember(m, guests.get(m.guest_id))) };
    },
  );

  app.get(
    '/loyalty/members/:id',
    {
      schema: {
        tags,
        summary: 'Get a loyalty member with lots and operations',
        description:
          'The member as the console shows it: profile, level, the lots with points left, the newest 200 operations and operationCount. ' +
          'Every operation, paged: GET /loyalty/operations?guestId=.',
        params: IdParams,
        response: { 200: LoyaltyMemberDetailSchema, ...errors(400, 404) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const { guest, member } = await enrolled(db, accountId, request.params.id);
      const [levels, operations] = await Promise.all([
        listLevels(db, accountId),
        listOperations(db, accountId, { guestIds: [guest.id], limit: 200, offset: 0 }),
      ]);
      const lots = (await listOperations(db, accountId, { guestIds: [guest.id], limit: 100_000, offset: 0 })).rows
        .filter((o) => Number(o.remaining_points) > 0)
        .sort((a, b) => Number(a.expires_at ?? Number.MAX_SAFE_INTEGER) - Number(b.expires_at ?? Number.MAX_SAFE_INTEGER) || Number(a.id) - Number(b.id));
      return {
        ...presentMember(member, guest),
        levelName: levels.find((l) => l.id === member.level_id)?.name ?? null,
        lots: lots.map(presentOperation),
        operations: operations.rows.map(presentOperation),
        operationCount: operations.count,
      };
    },
  );

  app.post(
    '/loyalty/members/:id/operations',
    {
      schema: {
        tags,
        summary: 'Add or redeem points by hand, with a reason',
        description:
          'add: a new lot (and as many level points) expiring after the programme validity; redeem: from the lots that expire soonest. More than the balance is a 400 that changes nothing.',
        params: IdParams,
        body: ManualOperationBody,
        response: { 201: LoyaltyOperationSchema, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const { kind, points, reason } = request.body;
      const { guest } = await enrolled(db, accountId, request.params.id);
      const meta = { concept: reason, actor: 'admin' };
      const operation = await inWriteTransaction(db, (trx) =>
        kind === 'add'
          ? addPoints(trx, accountId, guest.id, { ...meta, points, levelPoints: points })
          : redeemPoints(trx, accountId, guest.id, { ...meta, points }),
      );
      return reply.status(201).send(presentOperation(operation));
    },
  );
}
