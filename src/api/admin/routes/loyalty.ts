import { Type } from '@sinclair/typebox';
import { createLevel, listLevels, updateLevel } from '../../../core/loyalty/levels.js';
import { MAX_POINTS } from '../../../core/loyalty/points-limit.js';
import { listOperations } from '../../../core/loyalty/operations.js';
import { createProduct, findProduct, listProducts, updateProduct } from '../../../core/loyalty/products.js';
import { loyaltyProgram, setLoyaltyProgram } from '../../../core/loyalty/programs.js';
import { notFound } from '../../../core/shared/errors.js';
import { parseJson } from '../../../core/shared/json.js';
import type { LoyaltyLevel, LoyaltyOperation, LoyaltyProduct } from '../../../db/schema.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { Id, IdParams, errors } from '../schemas.js';

const tags = ['loyalty'];

export const LevelSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  minLevelPoints: Type.Integer(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export const LevelListSchema = Type.Object({ levels: Type.Array(LevelSchema) });
const LevelCreate = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), minLevelPoints: Type.Integer({ minimum: 0, maximum: MAX_POINTS }) },
  { additionalProperties: false },
);
const LevelChange = Type.Partial(LevelCreate, { additionalProperties: false });

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const ProductFields = {
  title: Type.String({ minLength: 1, maxLength: 255 }),
  category: Type.Union([Type.Integer({ minimum: -2147483648, maximum: 2147483647 }), Type.Null()]),
  image: Nullable(Type.String({ maxLength: 2000 })),
  points: Type.Integer({ minimum: 0, maximum: MAX_POINTS }),
  featured: Type.Boolean(),
  startDate: Nullable(DateText),
  endDate: Nullable(DateText),
  code: Nullable(Type.String({ maxLength: 100 })),
  isVisible: Type.Boolean(),
  promocode: Nullable(Type.String({ maxLength: 100 })),
  notifyAlertEmails: Type.Boolean(),
  hotels: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000, description: 'location ids' }),
  levels: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000, description: 'level ids' }),
};
export const ProductSchema = Type.Object({ id: Type.Integer(), ...ProductFields, createdAt: Type.Integer(), updatedAt: Type.Integer() });
export const ProductListSchema = Type.Object({ products: Type.Array(ProductSchema) });
const ProductCreate = Type.Intersect([Type.Object({ title: ProductFields.title, points: ProductFields.points }), Type.Partial(Type.Object(ProductFields))]);
const ProductChange = Type.Partial(Type.Object(ProductFields, { additionalProperties: false }));
export const ProgramSchema = Type.Object({ pointsValidityDays: Type.Integer({ minimum: 1, maximum: 36_500 }) }, { additionalProperties: false });

const OperationQuery = Type.Object(
  {
    guestId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
const OperationSchema = Type.Object({
  id: Type.Integer(),
  guestId: Type.Integer(),
  kind: Type.String(),
  concept: Type.Union([Type.String(), Type.Null()]),
  points: Type.Integer({ description: 'signed: a redemption is negative' }),
  levelPoints: Type.Integer(),
  remainingPoints: Type.Integer(),
  expiresAt: Type.Union([Type.Integer(), Type.Null()]),
  productId: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.Integer(),
});
const presentOperation = (o: LoyaltyOperation) => ({
  id: o.id,
  guestId: o.guest_id,
  kind: o.kind,
  concept: o.concept,
  points: o.points,
  levelPoints: o.level_points,
  remainingPoints: o.remaining_points,
  expiresAt: o.expires_at,
  productId: o.product_id,
  createdAt: o.created_at,
});

const presentLevel = (l: LoyaltyLevel) => ({ id: l.id, name: l.name, minLevelPoints: l.min_level_points, createdAt: l.created_at, updatedAt: l.updated_at });
const presentProduct = (p: LoyaltyProduct) => ({
  id: p.id,
  title: p.title,
  category: p.category,
  image: p.image,
  points: p.points,
  featured: p.featured === 1,
  startDate: p.start_date,
  endDate: p.end_date,
  code: p.code,
  isVisible: p.is_visible === 1,
  promocode: p.promocode,
  notifyAlertEmails: p.notify_alert_emails === 1,
  hotels: parseJson<number[]>(p.hotels, []),
  levels: parseJson<number[]>(p.levels, []),
  createdAt: p.created_at,
  updatedAt: p.updated_at,
});

/** The loyalty programme: validity of points, levels (thresholds of level points) and products. */
export async function loyaltyAdminRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get('/loyalty/program', { schema: { tags, summary: 'The loyalty programme settings', response: { 200: ProgramSchema, ...errors() } } }, async (request) =>
    loyaltyProgram(db, request.accountId),
  );
  app.put(
    '/loyalty/program',
    {
      schema: {
        tags,
        summary: 'Set the loyalty programme settings',
        description: 'pointsValidityDays: how long points earned from now on stay spendable.',
        body: ProgramSchema,
        response: { 200: ProgramSchema, ...errors(400) },
      },
    },
    async (request) => setLoyaltyProgram(db, request.accountId, request.body),
  );

  app.get('/loyalty/levels', { schema: { tags, summary: 'List levels', response: { 200: LevelListSchema, ...errors() } } }, async (request) => ({
    levels: (await listLevels(db, request.accountId)).map(presentLevel),
  }));
  app.post(
    '/loyalty/levels',
    { schema: { tags, summary: 'Create a level', body: LevelCreate, response: { 201: LevelSchema, ...errors(400) } } },
    async (request, reply) => reply.status(201).send(presentLevel(await createLevel(db, request.accountId, request.body))),
  );
  app.patch(
    '/loyalty/levels/:id',
    {
      schema: {
        tags,
        summary: 'Change a level',
        description: 'Members move when their level points next change.',
        params: IdParams,
        body: LevelChange,
        response: { 200: LevelSchema, ...errors(400, 404) },
      },
    },
    async (request) => presentLevel(await updateLevel(db, request.accountId, request.params.id, request.body)),
  );

  app.get('/loyalty/products', { schema: { tags, summary: 'List products', response: { 200: ProductListSchema, ...errors() } } }, async (request) => ({
    products: (await listProducts(db, request.accountId, { limit: 1000, offset: 0 })).rows.map(presentProduct),
  }));
  app.get(
    '/loyalty/products/:id',
    { schema: { tags, summary: 'Get a product', params: IdParams, response: { 200: ProductSchema, ...errors(404) } } },
    async (request) => {
      const product = await findProduct(db, request.accountId, request.params.id);
      if (!product) throw notFound('product');
      return presentProduct(product);
    },
  );
  app.post(
    '/loyalty/products',
    { schema: { tags, summary: 'Create a product', body: ProductCreate, response: { 201: ProductSchema, ...errors(400) } } },
    async (request, reply) =>
      reply.status(201).send(presentProduct(await createProduct(db, request.accountId, request.body as Parameters<typeof createProduct>[2]))),
  );
  app.patch(
    '/loyalty/products/:id',
    { schema: { tags, summary: 'Change a product', params: IdParams, body: ProductChange, response: { 200: ProductSchema, ...errors(400, 404) } } },
    async (request) => presentProduct(await updateProduct(db, request.accountId, request.params.id, request.body)),
  );

  app.get(
    '/loyalty/operations',
    {
      schema: {
        tags,
        summary: "List ledger operations, newest first (a member's with guestId)",
        description:
          "The ledger's listing: every operation of the account, or of one member with guestId, paged by limit and offset with the total count. " +
          "A member's page (profile, level, lots, newest operations) is GET /loyalty/members/{id}.",
        querystring: OperationQuery,
        response: { 200: Type.Object({ operations: Type.Array(OperationSchema), count: Type.Integer() }), ...errors(400) },
      },
    },
    async (request) => {
      const { guestId, limit, offset } = request.query;
      const { rows, count } = await listOperations(db, request.accountId, {
        guestIds: guestId === undefined ? undefined : [guestId],
        limit: limit ?? 50,
        offset: offset ?? 0,
      });
      return { operations: rows.map(presentOperation), count };
    },
  );
}
