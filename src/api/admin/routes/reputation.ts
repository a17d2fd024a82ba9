import { Type, type TSchema } from '@sinclair/typebox';
import { createLocation, listLocations, type LocationInput } from '../../../core/locations/locations.js';
import {
  addCompetitiveSetMember,
  createCompetitiveSet,
  deleteCompetitiveSet,
  getCompetitiveSet,
  listCompetitiveSets,
  removeCompetitiveSetMember,
  type CompetitiveSetWithMembers,
} from '../../../core/locations/competitive-sets.js';
import { answerValuesOf, createReviewQuestion, deleteReviewQuestion, listReviewQuestions } from '../../../core/reputation/review-questions.js';
import type { ReviewQuestion } from '../../../db/schema.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { readI18n } from '../input.js';
import { presentLocation } from '../presenters.js';
import { I18nInput, Id, IdParams, LocationSchema, NoContent, errors } from '../schemas.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

const tags = ['reputation'];
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const AnswerType = Type.Union([Type.Literal('number'), Type.Literal('text'), Type.Literal('enum')], { description: 'number | text | enum' });

export const ReviewQuestionSchema = Type.Object({
  id: Id,
  key: Type.String(),
  description: Type.String(),
  answerType: AnswerType,
  answerValues: Nullable(Type.Array(Type.String())),
});
export const ReviewQuestionListSchema = Type.Object({ reviewQuestions: Type.Array(ReviewQuestionSchema) });

const ReviewQuestionCreate = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 100, description: 'stable key used by imports and the Loopon face, e.g. cleanliness' }),
    description: Type.String({ minLength: 1, maxLength: 500 }),
    answerType: AnswerType,
    answerValues: Type.Optional(
      Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100, description: 'the allowed answers of an enum question' })),
    ),
  },
  { additionalProperties: false },
);

export const CompetitiveSetSchema = Type.Object({
  id: Id,
  locationId: Id,
  name: Type.String(),
  memberIds: Type.Array(Id, { description: 'competitors and other properties compared with the location' }),
});
export const CompetitorListSchema = Type.Object({ competitors: Type.Array(LocationSchema) });
export const CompetitiveSetListSchema = Type.Object({ competitiveSets: Type.Array(CompetitiveSetSchema) });

const CompetitiveSetCreate = Type.Object(
  {
    locationId: Id,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    memberIds: Type.Optional(Type.Array(Id, { maxItems: 200 })),
  },
  { additionalProperties: false },
);

const CompetitorCreate = Type.Object(
  {
    title: I18nInput,
    propertyCode: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    country: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    city: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  },
  { additionalProperties: false },
);

const MemberParams = Type.Object({ id: Id, locationId: Id });

function presentReviewQuestion(q: ReviewQuestion) {
  return { id: q.id, key: q.key, description: q.description, answerType: q.answer_type as 'number' | 'text' | 'enum', answerValues: answerValuesOf(q) };
}

function presentCompetitiveSet({ set, memberIds }: CompetitiveSetWithMembers) {
  return { id: set.id, locationId: set.location_id, name: set.name, memberIds };
}

/** Review questions, competitors and competitive sets: what reviews and reputation refer to. */
export async function reputationAdminRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get(
    '/review-questions',
    { schema: { tags, summary: 'List review questions', response: { 200: ReviewQuestionListSchema, ...errors() } } },
    async (request) => ({ reviewQuestions: (await listReviewQuestions(db, request.accountId)).map(presentReviewQuestion) }),
  );

  app.post(
    '/review-questions',
    { schema: { tags, summary: 'Create a review question', body: ReviewQuestionCreate, response: { 201: ReviewQuestionSchema, ...errors(400, 409, 413) } } },
    async (request, reply) => reply.status(201).send(presentReviewQuestion(await createReviewQuestion(db, request.accountId, request.body))),
  );

  app.delete(
    '/review-questions/:id',
    {
      schema: {
        tags,
        summary: 'Delete a review question',
        description: 'A question that reviews rate is kept (409).',
        params: IdParams,
        response: { 204: NoContent, ...errors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteReviewQuestion(db, request.accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get('/competitors', { schema: { tags, summary: 'List competitors', response: { 200: CompetitorListSchema, ...errors() } } }, async (request) => ({
    competitors: (await listLocations(db, request.accountId)).filter((l) => l.kind === 'competitor').map(presentLocation),
  }));

  app.post(
    '/competitors',
    {
      schema: {
        tags,
        summary: 'Create a competitor',
        description:
          'A competitor is a location of kind "competitor": it appears only in competitive sets, never as a unit of the account. Change or delete it under /locations.',
        body: CompetitorCreate,
        response: { 201: LocationSchema, ...errors(400, 409, 413) },
      },
    },
    async (request, reply) => {
      const { title, ...rest } = request.body;
      // 'competitor' is a location kind the locations module stores as given.
      const input: LocationInput = { ...rest, title: readI18n(title, 'title'), kind: 'competitor' };
      return reply.status(201).send(presentLocation(await createLocation(db, request.accountId, input)));
    },
  );

  app.get(
    '/competitive-sets',
    {
      schema: {
        tags,
        summary: 'List competitive sets',
        querystring: Type.Object({ locationId: Type.Optional(Id) }),
        response: { 200: CompetitiveSetListSchema, ...errors(400) },
      },
    },
    async (request) => {
      const owners = request.query.locationId === undefined ? undefined : [request.query.locationId];
      return { competitiveSets: (await listCompetitiveSets(db, request.accountId, owners)).map(presentCompetitiveSet) };
    },
  );

  app.post(
    '/competitive-sets',
    {
      schema: {
        tags,
        summary: 'Create a competitive set of a location',
        body: CompetitiveSetCreate,
        response: { 201: CompetitiveSetSchema, ...errors(400, 413) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const created = await inWriteTransaction(db, (trx) => createCompetitiveSet(trx, accountId, request.body));
      return reply.status(201).send(presentCompetitiveSet(created));
    },
  );

  app.get(
    '/competitive-sets/:id',
    { schema: { tags, summary: 'Get a competitive set', params: IdParams, response: { 200: CompetitiveSetSchema, ...errors(400, 404) } } },
    async (request) => presentCompetitiveSet(await getCompetitiveSet(db, request.accountId, request.params.id)),
  );

  app.delete(
    '/competitive-sets/:id',
    {
      schema: {
        tags,
        summary: 'Delete a competitive set',
        description: 'Its members (locations) are kept.',
        params: IdParams,
        response: { 204: NoContent, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      await deleteCompetitiveSet(db, request.accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/competitive-sets/:id/members/:locationId',
    {
      schema: {
        tags,
        summary: 'Add a member to a competitive set',
        description: 'Adding a member twice changes nothing.',
        params: MemberParams,
        response: { 200: CompetitiveSetSchema, ...errors(400, 404) },
      },
    },
    async (request) => {
      const { id, locationId } = request.params;
      await addCompetitiveSetMember(db, request.accountId, id, locationId);
      return presentCompetitiveSet(await getCompetitiveSet(db, request.accountId, id));
    },
  );

  app.delete(
    '/competitive-sets/:id/members/:locationId',
    { schema: { tags, summary: 'Remove a member from a competitive set', params: MemberParams, response: { 204: NoContent, ...errors(400, 404) } } },
    async (request, reply) => {
      await removeCompetitiveSetMember(db, request.accountId, request.params.id, request.params.locationId);
      return reply.status(204).send(null);
    },
  );
}
