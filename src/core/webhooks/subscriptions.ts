import { randomBytes } from '../shared/random-bytes.js';
import { announceCacheChange, onCacheNotice } from '../../db/cache-notices.js';
import type { Db } from '../../db/database.js';
import type { WebhookSubscription } from '../../db/schema.js';
import { isEventType, type EventType } from '../shared/event-types.js';
import { badRequest, notFound } from '../shared/errors.js';
import { parseJson } from '../shared/json.js';
import type { SecretBox } from '../shared/secret-box.js';
import { checkCallbackUrl } from '../shared/callback-url.js';

/*
 * An account's native webhook subscriptions: a URL, the event types it receives (or every one,
 * "*") and its signing secret (Standard Webhooks' whsec_<base64>), shown once at creation and
 * stored sealed with the server's key since every delivery signs with it.
 */

export interface WebhookView {
  id: number;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export function describeWebhook(row: WebhookSubscription): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: parseJson<string[]>(row.events, []),
    description: row.description,
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The event types as given: a list of known types, or ["*"] for every one. Bad input is a 400. */
export function readEventTypes(events: readonly string[]): string[] {
  const list = [...new Set(events.map((e) => e.trim()).filter(Boolean))];
  if (list.length === 0) throw badRequest('events must name at least one event type, or "*"');
  if (list.includes('*')) return ['*'];
  const unknown = list.filter((e) => !isEventType(e));
  if (unknown.length) throw badRequest(`unknown event type${unknown.length > 1 ? 's' : ''} ${unknown.map((e) => `"${e}"`).join(', ')}`);
  return list;
}

export function readWebhookUrl(raw: string, allowPrivate: boolean): string {
  const checked = checkCallbackUrl(raw, { allowPrivate });
  if ('problem' in checked) {
    const why = {
      not_a_url: 'is not a URL',
      not_http: 'must be http or https',
      has_credentials: 'must not carry credentials',
      private_network: 'names a private, loopback or reserved address (ALLOW_PRIVATE_CALLBACK_URLS)',
    }[checked.problem];
    throw badRequest(`url ${why}`);
  }
  return checked.url;
}

export interface NewWebhook {
  url: string;
  events: readonly string[];
  description?: string | null;
}

/** Creates a subscription; the secret is returned this once. */
export async function createWebhook(
  db: Db,
  secrets: SecretBox,
  accountId: number,
  input: NewWebhook,
  opts: { allowPrivate: boolean },
  now = Date.now(),
): Promise<{ webhook: WebhookView; secret: string }> {
  const url = readWebhookUrl(input.url, opts.allowPrivate);
  const events = readEventTypes(input.events);
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const row = await db
    .insertInto('webhook_subscriptions')
    .values({
      account_id: accountId,
      url,
      events: JSON.stringify(events),
      secret_sealed: secrets.seal(secret),
      description: input.description ?? null,
      enabled: 1,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await announceCacheChange(db, { topic: 'webhook-subscriptions', accountId });
  return { webhook: describeWebhook(row), secret };
}

export async function listWebhooks(db: Db, accountId: number): Promise<WebhookView[]> {
  const rows = await db.selectFrom('webhook_subscriptions').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map(describeWebhook);
}

async function webhookRow(db: Db, accountId: number, id: number): Promise<WebhookSubscription | undefined> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function getWebhook(db: Db, accountId: number, id: number): Promise<WebhookView> {
  const row = await webhookRow(db, accountId, id);
  if (!row) throw notFound(`webhook ${id}`);
  return describeWebhook(row);
}

/** Enables or disables a subscription (a disabled one receives nothing); returns it. */
export async function setWebhookEnabled(
  db: Db,
  accountId: number,
  id: number,
  enabled: boolean,
  reason: string | null = null,
  now = Date.now(),
): Promise<WebhookView> {
  const row = await db
    .updateTable('webhook_subscriptions')
    .set({ enabled: enabled ? 1 : 0, disabled_reason: enabled ? null : reason, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound(`webhook ${id}`);
  await announceCacheChange(db, { topic: 'webhook-subscriptions', accountId });
  return describeWebhook(row);
}

export async function deleteWebhook(db: Db, accountId: number, id: number): Promise<void> {
  const result = await db.deleteFrom('webhook_subscriptions').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) throw notFound(`webhook ${id}`);
  await announceCacheChange(db, { topic: 'webhook-subscriptions', accountId });
}

/** A subscription as a delivery needs it: where, whether still enabled, and the opened secret. */
export interface WebhookTarget {
  url: string;
  enabled: boolean;
  /** undefined when no key of this server opens it (never sent unsigned then) */
  secret: string | undefined;
}

export async function webhookTarget(db: Db, secrets: SecretBox, accountId: number, id: number): Promise<WebhookTarget | undefined> {
  const row = await webhookRow(db, accountId, id);
  if (!row) return undefined;
  return { url: row.url, enabled: row.enabled === 1, secret: secrets.open(row.secret_sealed) };
}

/** A subscription's target as stored (the secret still sealed): what a batch of deliveries reads at once. */
export interface StoredWebhookTarget {
  url: string;
  enabled: boolean;
  secretSealed: string;
}

/** The subscriptions of the account with these ids, in one select, by id (a deleted one is missing). */
export async function storedWebhookTargets(db: Db, accountId: number, ids: readonly number[]): Promise<Map<number, StoredWebhookTarget>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .select(['id', 'url', 'enabled', 'secret_sealed'])
    .where('account_id', '=', accountId)
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [Number(r.id), { url: r.url, enabled: r.enabled === 1, secretSealed: r.secret_sealed }]));
}

/*
 * Which subscriptions hear of an event type: asked on every write that emits an event, so the
 * account's enabled subscriptions are cached per process, dropped on every change (made here, or
 * on PostgreSQL by any instance: db/cache-notices.ts) and read again after CACHE_TTL_MS at most.
 */
const CACHE_TTL_MS = 5_000;
interface CachedSubscriptions {
  at: number;
  subs: Array<{ id: number; url: string; all: boolean; types: Set<string> }>;
}
const cache = new Map<number, CachedSubscriptions>();

function forgetSubscriptions(accountId?: number): void {
  if (accountId === undefined) cache.clear();
  else cache.delete(accountId);
}
onCacheNotice('webhook-subscriptions', forgetSubscriptions);

/** The enabled subscriptions of the account that receive `type`: [] costs no query while cached. */
export async function subscribersOf(db: Db, accountId: number, type: EventType, now = Date.now()): Promise<Array<{ id: number; url: string }>> {
  let entry = cache.get(accountId);
  if (!entry || now - entry.at > CACHE_TTL_MS) {
    const rows = await db
      .selectFrom('webhook_subscriptions')
      .select(['id', 'url', 'events'])
      .where('account_id', '=', accountId)
      .where('enabled', '=', 1)
      .execute();
    entry = {
      at: now,
      subs: rows.map((r) => {
        const types = parseJson<string[]>(r.events, []);
        return { id: r.id, url: r.url, all: types.includes('*'), types: new Set(types) };
      }),
    };
    if (cache.size > 10_000) cache.clear();
    cache.set(accountId, entry);
  }
  if (entry.subs.length === 0) return [];
  return entry.subs.filter((s) => s.all || s.types.has(type)).map(({ id, url }) => ({ id, url }));
}
