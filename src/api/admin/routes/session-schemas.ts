import { Type } from '@sinclair/typebox';
import { Id, Instant, Nullable } from '../schemas.js';

/* Schemas of the staff session and staff admin routes (routes/session.ts, routes/staff.ts). */

export const RoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('manager'), Type.Literal('agent'), Type.Literal('analyst')], {
  description: 'owner: everything; manager: everything but owners; agent: the inbox of their locations; analyst: reads only',
});
export const PermissionSchema = Type.Union([Type.Literal('create'), Type.Literal('comment'), Type.Literal('close')], {
  description: 'Loop permissions: create loops, comment (reply) on them, close (and reopen) them',
});

export const StaffSchema = Type.Object({
  id: Id,
  email: Type.String(),
  name: Nullable(Type.String()),
  role: RoleSchema,
  permissions: Type.Array(Type.String()),
  locationIds: Type.Array(Type.Integer(), { description: 'the locations they are subscribed to; empty: every location (none for an agent)' }),
  hasPassword: Type.Boolean({ description: 'false until they choose a password (after an invitation or a sign-in link)' }),
  createdAt: Instant,
});
export const StaffListSchema = Type.Object({ staff: Type.Array(StaffSchema) });

export const SessionSchema = Type.Object(
  {
    staff: Type.Object({
      id: Id,
      email: Type.String(),
      name: Nullable(Type.String()),
      role: RoleSchema,
      permissions: Type.Array(Type.String()),
      locationIds: Type.Array(Type.Integer()),
      hasPassword: Type.Boolean(),
    }),
    account: Type.Object({ id: Id, slug: Type.String(), name: Type.String() }),
    csrfToken: Type.String({ description: 'send it as the x-csrf-token header with every POST, PUT, PATCH and DELETE made with the session' }),
  },
  { description: 'The signed-in staff member, their account and the CSRF token of the session' },
);

const Email = Type.String({ minLength: 3, maxLength: 320 });
const Token = Type.String({ minLength: 1, maxLength: 200, description: 'the token of the link' });

export const SignInBody = Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const ResetBody = Type.Object({ email: Email }, { additionalProperties: false });
export const TokenPasswordBody = Type.Object(
  { token: Token, password: Type.String({ minLength: 10, maxLength: 200, description: 'at least 10 characters' }) },
  { additionalProperties: false },
);
export const LinkBody = Type.Object({ token: Token }, { additionalProperties: false });
export const ChangePasswordBody = Type.Object(
  {
    password: Type.String({ minLength: 10, maxLength: 200, description: 'at least 10 characters' }),
    currentPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'required when the staff member has a password' })),
  },
  { additionalProperties: false },
);
export const Accepted = Type.Object({ accepted: Type.Literal(true) });

export const StaffCreate = Type.Object(
  {
    email: Email,
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    role: RoleSchema,
    permissions: Type.Optional(Type.Array(PermissionSchema, { maxItems: 3 })),
    locationIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export const StaffPatch = Type.Object(
  {
    email: Type.Optional(Email),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    role: Type.Optional(RoleSchema),
    permissions: Type.Optional(Type.Array(PermissionSchema, { maxItems: 3 })),
    locationIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export const StaffInvited = Type.Intersect([
  StaffSchema,
  Type.Object({
    signInUrl: Type.String({ description: 'the one-time sign-in link the invitation e-mail carries' }),
    expiresAt: Instant,
    invitation: Type.Object({
      queued: Type.Boolean({ description: 'whether the invitation e-mail was queued' }),
      messageId: Nullable(Type.Integer()),
      reason: Nullable(Type.String({ description: 'why it was not queued' })),
    }),
  }),
]);

export const AuditItem = Type.Object({
  id: Type.Integer(),
  at: Instant,
  actor: Type.Object({
    type: Type.String({ description: 'staff, admin (the admin token), system...' }),
    id: Nullable(Type.String()),
    name: Nullable(Type.String()),
  }),
  action: Type.String({ description: 'what was done, e.g. requests.update, staff.create, session.create (a sign-in)' }),
  entity: Type.String(),
  entityId: Nullable(Type.String()),
  summary: Type.String(),
});
export const AuditPage = Type.Object({ items: Type.Array(AuditItem), next: Nullable(Type.Integer({ description: 'pass as before for the next page' })) });
