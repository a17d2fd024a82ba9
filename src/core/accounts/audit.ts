import type { Db } from '../../db/database.js';
import type { AuditEntry } from '../../db/schema.js';

/*
 * The audit log of the admin API: one entry per write (POST, PUT, PATCH, DELETE answered 2xx), by
 * whoever made it (a staff member `staff:<id>`, the admin token `admin`), with the staff member's
 * name as it was then (so an entry still reads after the person is removed).
 */

export interface NewAuditEntry {
  actor: string;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  summary: string;
  requestId: string | null;
}

export async function recordAudit(db: Db, accountId: number, entry: NewAuditEntry, now = Date.now()): Promise<void> {
  await db
    .insertInto('audit_entries')
    .values({
      account_id: accountId,
      actor: entry.actor,
      actor_name: entry.actorName,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId,
      summary: entry.summary.slice(0, 500),
      request_id: entry.requestId,
      at: now,
    })
    .execute();
}

/** The account's entries, newest first; `before` pages (an entry id), `actor` narrows to one actor. */
export async function listAudit(db: Db, accountId: number, opts: { limit: number; before?: number; actor?: string }): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_entries').selectAll().where('account_id', '=', accountId);
  if (opts.before !== undefined) query = query.where('id', '<', opts.before);
  if (opts.actor !== undefined) query = query.where('actor', '=', opts.actor);
  return query.orderBy('id', 'desc').limit(opts.limit).execute();
}
