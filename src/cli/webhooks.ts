import { parseArgs } from 'node:util';
import type { Config } from '../config/config.js';
import { resolveSecretKeys } from '../config/secret-keys.js';
import { getAccountBySlug } from '../core/accounts/accounts.js';
import { DELIVERY_STATUSES, findDelivery, listDeliveries, listDeliveryAttempts, replayDelivery, type DeliveryStatus } from '../core/outbox/deliveries.js';
import { EVENT_TYPES } from '../core/shared/event-types.js';
import { notFound } from '../core/shared/errors.js';
import { createSecretBox } from '../core/shared/secret-box.js';
import { createWebhook, deleteWebhook, listWebhooks, setWebhookEnabled, type WebhookView } from '../core/webhooks/subscriptions.js';
import { inWriteTransaction } from '../db/write-transaction.js';
import { UsageError } from './client-create.js';
import { refusalsExit1 } from './refused.js';
import { withDatabase } from './with-database.js';
import { presentAttempt, presentDelivery } from '../api/admin/routes/webhooks.js';

/*
 * `openstay webhook create|list|disable|enable|delete` and `openstay delivery list|show|replay`:
 * the admin API's /webhooks and /deliveries from the command line. Exit 0 done, 1 unknown
 * account, webhook or delivery (or a replay refused: still pending), 2 bad usage or input.
 */

export const WEBHOOK_USAGE = `usage: openstay webhook create --account <slug> --url <url> --events <type,...|*> [--description TEXT] [--json]
       openstay webhook list --account <slug> [--json]
       openstay webhook disable|enable|delete <id> --account <slug> [--json]
  Event types: ${EVENT_TYPES.join(', ')}; * for every one.
  create prints the signing secret (whsec_...) this once.`;

export const DELIVERY_USAGE = `usage: openstay delivery list --account <slug> [--status pending|delivered|dead] [--limit N] [--json]
       openstay delivery show <id> --account <slug> [--json]
       openstay delivery replay <id> --account <slug> [--json]`;

const webhookJson = (w: WebhookView) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  description: w.description,
  disabledReason: w.disabledReason,
});

function positiveId(text: string | undefined, what: string): number {
  const id = Number(text);
  if (!text || !/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1) throw new UsageError(`${what} needs a positive integer <id>, not "${text ?? ''}"`);
  return id;
}

/** `openstay webhook|webhooks <create|list|disable|enable|delete> ...`. */
export async function webhookCommand(config: Config, argv: string[]): Promise<number> {
  const [verb, ...args] = argv;
  if (!verb || verb === '--help' || verb === '-h') {
    console.log(WEBHOOK_USAGE);
    return verb ? 0 : 2;
  }
  if (!['create', 'list', 'disable', 'enable', 'delete'].includes(verb)) throw new UsageError(`unknown webhook command "${verb}"`);
  const { values, positionals } = parseArgs({
    args,
    options: {
      account: { type: 'string' },
      url: { type: 'string' },
      events: { type: 'string' },
      description: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(WEBHOOK_USAGE);
    return 0;
  }
  if (!values.account) throw new UsageError(`webhook ${verb} needs --account <slug>`);
  const account = values.account;
  if (verb === 'create') {
    if (positionals.length) throw new UsageError('webhook create takes no positional argument');
    if (!values.url) throw new UsageError('webhook create needs --url <url>');
    if (!values.events) throw new UsageError('webhook create needs --events <type,...|*>');
    const events = values.events.split(',');
    const secrets = createSecretBox(resolveSecretKeys(config));
    return refusalsExit1(async () => {
      const { webhook, secret } = await withDatabase(config, async (db) => {
        const accountId = (await getAccountBySlug(db, account)).id;
        return inWriteTransaction(db, (trx) =>
          createWebhook(
            trx,
            secrets,
            accountId,
            { url: values.url!, events, description: values.description },
            { allowPrivate: config.allowPrivateCallbackUrls },
          ),
        );
      });
      if (values.json) console.log(JSON.stringify({ id: webhook.id, url: webhook.url, events: webhook.events, secret, enabled: webhook.enabled }));
      else console.log(`webhook ${webhook.id} of account ${account}: ${webhook.url} (${webhook.events.join(',')})\nsigning secret (shown once): ${secret}`);
      return 0;
    });
  }
  if (verb === 'list') {
    if (positionals.length) throw new UsageError('webhook list takes no positional argument');
    return refusalsExit1(async () => {
      const webhooks = await withDatabase(config, async (db) => listWebhooks(db, (await getAccountBySlug(db, account)).id));
      if (values.json) console.log(JSON.stringify({ account, webhooks: webhooks.map(webhookJson) }));
      else for (const w of webhooks) console.log(`${w.id}  ${w.enabled ? 'enabled ' : 'disabled'}  ${w.url}  ${w.events.join(',')}`);
      return 0;
    });
  }
  if (positionals.length !== 1) throw new UsageError(`webhook ${verb} takes one <id>`);
  const id = positiveId(positionals[0], `webhook ${verb}`);
  return refusalsExit1(async () => {
    const result = await withDatabase(config, async (db) => {
      const accountId = (await getAccountBySlug(db, account)).id;
      if (verb === 'delete') {
        await inWriteTransaction(db, (trx) => deleteWebhook(trx, accountId, id));
        return undefined;
      }
      return inWriteTransaction(db, (trx) => setWebhookEnabled(trx, accountId, id, verb === 'enable', verb === 'enable' ? null : 'disabled with the CLI'));
    });
    if (values.json) console.log(JSON.stringify(result ? { account, webhook: webhookJson(result) } : { account, id, deleted: true }));
    else console.log(`webhook ${id} of account ${account} ${verb === 'delete' ? 'deleted' : `${verb}d`}`);
    return 0;
  });
}

/** `openstay delivery|deliveries <list|show|replay> ...`. */
export async function deliveryCommand(config: Config, argv: string[]): Promise<number> {
  const [verb, ...args] = argv;
  if (!verb || verb === '--help' || verb === '-h') {
    console.log(DELIVERY_USAGE);
    return verb ? 0 : 2;
  }
  if (!['list', 'show', 'replay'].includes(verb)) throw new UsageError(`unknown delivery command "${verb}"`);
  const { values, positionals } = parseArgs({
    args,
    options: {
      account: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(DELIVERY_USAGE);
    return 0;
  }
  if (!values.account) throw new UsageError(`delivery ${verb} needs --account <slug>`);
  const account = values.account;
  if (verb === 'list') {
    if (positionals.length) throw new UsageError('delivery list takes no positional argument');
    const status = values.status;
    if (status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(status))
      throw new UsageError(`--status must be one of ${DELIVERY_STATUSES.join(', ')}`);
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit must be an integer from 1 to 500');
    return refusalsExit1(async () => {
      const rows = await withDatabase(config, async (db) =>
        listDeliveries(db, (await getAccountBySlug(db, account)).id, { status: status as DeliveryStatus | undefined, limit }),
      );
      if (values.json) console.log(JSON.stringify({ account, deliveries: rows.map(presentDelivery) }));
      else
        for (const d of rows)
          console.log(`${d.id}  ${d.status.padEnd(9)} ${d.event_type.padEnd(20)} attempts ${d.attempts}  ${d.url}${d.last_error ? `  (${d.last_error})` : ''}`);
      return 0;
    });
  }
  if (positionals.length !== 1) throw new UsageError(`delivery ${verb} takes one <id>`);
  const id = positiveId(positionals[0], `delivery ${verb}`);
  return refusalsExit1(async () => {
    const { delivery, attempts } = await withDatabase(config, async (db) => {
      const accountId = (await getAccountBySlug(db, account)).id;
      const found = verb === 'replay' ? await inWriteTransaction(db, (trx) => replayDelivery(trx, accountId, id)) : await findDelivery(db, accountId, id);
      if (!found) throw notFound(`delivery ${id}`);
      return { delivery: found, attempts: await listDeliveryAttempts(db, accountId, id) };
    });
    if (values.json) console.log(JSON.stringify({ account, delivery: { ...presentDelivery(delivery), attemptLog: attempts.map(presentAttempt) } }));
    else {
      console.log(
        `delivery ${id}: ${delivery.status}, ${delivery.event_type} to ${delivery.url}, ${delivery.attempts} attempt(s)${verb === 'replay' ? ' (replayed: due now)' : ''}`,
      );
      for (const a of attempts)
        console.log(
          `  ${new Date(a.attempted_at).toISOString()}  ${a.outcome.padEnd(9)} ${a.status_code ?? '-'}  ${a.latency_ms} ms${a.error ? `  ${a.error}` : ''}`,
        );
    }
    return 0;
  });
}
