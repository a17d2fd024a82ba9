import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { createStaff, deleteStaff, getStaff, listStaff, updateStaff, type StaffEditor, type StaffMember } from '../../../core/accounts/staff.js';
import { listAudit } from '../../../core/accounts/audit.js';
import { ensureStaffTemplates, sendStaffEmail } from '../../../core/staff/staff-emails.js';
import type { AuditEntry } from '../../../db/schema.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { BigId, Id, IdParams, NoContent, errors } from '../schemas.js';
import { AuditPage, StaffCreate, StaffInvited, StaffListSchema, StaffPatch, StaffSchema } from './session-schemas.js';

const tags = ['staff'];

const editorOf = (request: FastifyRequest): StaffEditor => (request.staff ? { role: request.staff.role } : 'admin');

export function presentStaff(staff: StaffMember) {
  const { id, email, name, role, permissions, locationIds, hasPassword, createdAt } = staff;
  return { id, email, name, role, permissions, locationIds, hasPassword, createdAt };
}

/** The actor of an audit entry: `staff:<id>` → {type: staff, id}, `admin` → {type: admin, id: null}. */
function presentAudit(entry: AuditEntry) {
  const [type, ...rest] = entry.actor.split(':');
  return {
    id: Number(entry.id),
    at: Number(entry.at),
    actor: { type, id: rest.length ? rest.join(':') : null, name: entry.actor_name },
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entity_id,
    summary: entry.summary,
  };
}

/**
 * Staff members (the employees who sign in to the console) with their role, Loop permissions and
 * locations; a new one is invited by e-mail. And the audit log of what was done through the admin API.
 */
export async function staffRoutes(app: AdminApp, { db, config }: AdminDeps): Promise<void> {
  app.get('/staff', { schema: { tags, summary: 'List staff members', response: { 200: StaffListSchema, ...errors() } } }, async (request) => ({
    staff: (await listStaff(db, request.accountId)).map(presentStaff),
  }));

  app.post(
    '/staff',
    {
      schema: {
        tags,
        summary: 'Invite a staff member',
        description:
          'Makes the staff member (an employee of the account with that e-mail and no role becomes one) and queues the invitation e-mail ' +
          '(template staff-invitation) with a one-time sign-in link `signInUrl` (PUBLIC_URL/sign-in/link/<token>, valid 7 days). ' +
          'An e-mail another staff member signs in with is a 409. A manager cannot invite an owner (403).',
        body: StaffCreate,
        response: { 201: StaffInvited, ...errors(400, 409, 413) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      await ensureStaffTemplates(db, accountId);
      const { staff, mail } = await inWriteTransaction(db, async (trx) => {
        const created = await createStaff(trx, accountId, request.body, editorOf(request));
        return { staff: created, mail: await sendStaffEmail(trx, config.publicUrl, created, 'invitation') };
      });
      const { outcome } = mail;
      return reply.status(201).send({
        ...presentStaff(staff),
        signInUrl: mail.url,
        expiresAt: mail.expiresAt,
        invitation: { queued: outcome.queued, messageId: outcome.queued ? outcome.messageId : null, reason: outcome.queued ? null : outcome.reason },
      });
    },
  );

  app.get(
    '/staff/:id',
    { schema: { tags, summary: 'Get a staff member', params: IdParams, response: { 200: StaffSchema, ...errors(400, 404) } } },
    async (request) => presentStaff(await getStaff(db, request.accountId, request.params.id)),
  );

  app.patch(
    '/staff/:id',
    {
      schema: {
        tags,
        summary: 'Change a staff member',
        description: 'Role, Loop permissions, locations, name or e-mail. A manager cannot change an owner nor make one (403).',
        params: IdParams,
        body: StaffPatch,
        response: { 200: StaffSchema, ...errors(400, 404, 409, 413) },
      },
    },
    async (request) =>
      presentStaff(await inWriteTransaction(db, (trx) => updateStaff(trx, request.accountId, request.params.id, request.body, editorOf(request)))),
  );

  app.delete(
    '/staff/:id',
    {
      schema: {
        tags,
        summary: 'Remove a staff member',
        description: 'Removes the employee, their sessions (signed out at once) and their links. A manager cannot remove an owner (403).',
        params: IdParams,
        response: { 204: NoContent, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      await inWriteTransaction(db, (trx) => deleteStaff(trx, request.accountId, request.params.id, editorOf(request)));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Read the audit log',
        description:
          "Every write made through the admin API (by a staff member or the admin token), newest first. `before` pages (pass `next`); `staffId` keeps one staff member's.",
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          before: Type.Optional(BigId),
          staffId: Type.Optional(Id),
        }),
        response: { 200: AuditPage, ...errors(400) },
      },
    },
    async (request) => {
      const { limit = 50, before, staffId } = request.query;
      const entries = await listAudit(db, request.accountId, { limit, before, actor: staffId === undefined ? undefined : `staff:${staffId}` });
      return { items: entries.map(presentAudit), next: entries.length === limit ? Number(entries[entries.length - 1].id) : null };
    },
  );
}
