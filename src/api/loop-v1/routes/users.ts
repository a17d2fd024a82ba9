import { Type } from '@sinclair/typebox';
import { createEmployee, findEmployees } from '../../../core/accounts/employees.js';
import { lookupGuestsByContact } from '../../../core/guests/identity.js';
import { badRequest } from '../../../core/shared/errors.js';
import type { LoopApp, LoopDeps } from '../context.js';
import { loopIdOf, loopIdsOf } from '../face-ids.js';
import { parseJson } from '../../../core/shared/json.js';
import { readString } from '../parse.js';
import { presentEmployee, presentGuestUser } from '../presenters.js';
import { AuthQuery, Hex24, KeyOrNumber, KeyString, MAX_KEY_LENGTH, Success, UserSchema, VersionParams, errorResponses } from '../schemas.js';
import { resolveLocation } from './resolve.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

const CreateUserBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: MAX_KEY_LENGTH }),
  name: Type.Optional(Type.String()),
  email: Type.Optional(KeyString),
  sms: Type.Optional(KeyOrNumber),
  permissions: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
  locations: Type.Optional(Type.Array(Type.String(), { maxItems: 1000, description: 'location ids (or shortcodes) the user is subscribed to (at most 1000)' })),
});

/** Employee accounts (create) and user lookup across employees and guests. */
export async function userRoutes(app: LoopApp, { db }: LoopDeps): Promise<void> {
  app.post(
    '/users',
    {
      schema: {
        summary: 'Create an employee user account',
        params: VersionParams,
        querystring: AuthQuery,
        body: CreateUserBody,
        response: { 200: Type.Composite([Success, Type.Object({ id: Hex24 })]), ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const body = request.body;
      const employee = await inWriteTransaction(db, async (trx) => {
        const locationIds: number[] = [];
        for (const ref of new Set(body.locations ?? [])) locationIds.push((await resolveLocation(trx, accountId, ref)).id);
        return createEmployee(trx, accountId, {
          username: body.username,
          name: body.name ?? null,
          email: readString(body.email, 'email') ?? null,
          sms: readString(body.sms, 'sms') ?? null,
          permissions: body.permissions ?? [],
          locationIds,
        });
      });
      return { status: 'Success' as const, id: loopIdOf('employee', employee) };
    },
  );

  app.get(
    '/users',
    {
      schema: {
        summary: 'Look up employee or guest user accounts by username, email or sms',
        params: VersionParams,
        querystring: Type.Object({
          authToken: Type.Optional(Type.String()),
          username: Type.Optional(Type.String()),
          email: Type.Optional(Type.String()),
          sms: Type.Optional(Type.String()),
        }),
        response: { 200: Type.Object({ users: Type.Array(UserSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      // Clients copy the spec's example, which quotes the value: sms="5556135555".
      const clean = (v: string | undefined) => v?.trim().replace(/^["\u201c\u201d']+|["\u201c\u201d']+$/g, '') || undefined;
      const username = clean(request.query.username);
      const email = clean(request.query.email);
      // An unencoded "+" of an international number (sms=+1613...) arrives as a space.
      const sms = clean(request.query.sms?.replace(/^ (?=\d)/, '+'));
      if (!username && !email && !sms) throw badRequest('one of username, email or sms is required');
      const employees = await findEmployees(db, accountId, { username, email, sms });
      const guests = username ? [] : await lookupGuestsByContact(db, accountId, { email, mobile: sms });
      const locationIds = await loopIdsOf(
        db,
        accountId,
        'location',
        employees.flatMap((e) => parseJson<number[]>(e.location_ids, [])),
      );
      return { users: [...employees.map((e) => presentEmployee(e, locationIds)), ...guests.map(presentGuestUser)] };
    },
  );
}
