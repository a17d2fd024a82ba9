import { Type } from '@sinclair/typebox';
import { createRule, getRule, listRules, setRuleEnabled, updateRule } from '../../../core/journeys/rules.js';
import { dryRunRule, MAX_DRY_RUN_EVENTS } from '../../../core/rule-tools/dry-run.js';
import { explainEvent } from '../../../core/rule-tools/explain.js';
import { previewRule } from '../../../core/rule-tools/preview.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { IdParams, errors } from '../schemas.js';
import { DryRunSchema, ExplanationSchema, PreviewInput, PreviewSchema, RuleInputSchema, RuleListSchema, RuleSchema } from './rules-schemas.js';

const tags = ['rules'];

/**
 * Journey rules: a trigger (a journey event type), conditions, and an e-mail from a template;
 * each fires at most once per stay, in the transaction that records the event. Preview, dry-run
 * and explain change nothing.
 */
export async function ruleRoutes(app: AdminApp, { db, config }: AdminDeps): Promise<void> {
  app.get('/rules', { schema: { tags, summary: 'List journey rules', response: { 200: RuleListSchema, ...errors() } } }, async (request) => ({
    rules: await listRules(db, request.accountId),
  }));

  app.post(
    '/rules',
    {
      schema: {
        tags,
        summary: 'Create a journey rule',
        description: 'The action template must have an e-mail template in the fallback language. Applies to events recorded from now on.',
        body: RuleInputSchema,
        response: { 201: RuleSchema, ...errors(400, 409) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const rule = await inWriteTransaction(db, (trx) => createRule(trx, accountId, request.body));
      return reply.status(201).send(rule);
    },
  );

  app.get('/rules/:id', { schema: { tags, summary: 'Get a journey rule', params: IdParams, response: { 200: RuleSchema, ...errors(404) } } }, async (request) =>
    getRule(db, request.accountId, request.params.id),
  );

  app.put(
    '/rules/:id',
    {
      schema: {
        tags,
        summary: 'Replace a journey rule',
        description: 'Never re-fires past events.',
        params: IdParams,
        body: RuleInputSchema,
        response: { 200: RuleSchema, ...errors(400, 404, 409) },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      return inWriteTransaction(db, (trx) => updateRule(trx, accountId, request.params.id, request.body));
    },
  );

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(
      `/rules/:id/${action}`,
      {
        schema: {
          tags,
          summary: `${action === 'enable' ? 'Enable' : 'Disable'} a journey rule`,
          params: IdParams,
          response: { 200: RuleSchema, ...errors(404) },
        },
      },
      async (request) => {
        const accountId = request.accountId;
        return inWriteTransaction(db, (trx) => setRuleEnabled(trx, accountId, request.params.id, enabled));
      },
    );
  }

  app.post(
    '/rules/:id/preview',
    {
      schema: {
        tags,
        summary: 'Preview the e-mail of a rule for a guest',
        description: 'Rendered as it would be sent now (the guest latest stay, their language), with a placeholder unsubscribe link. Sends nothing.',
        params: IdParams,
        body: PreviewInput,
        response: { 200: PreviewSchema, ...errors(400, 404) },
      },
    },
    async (request) => {
      const rule = await getRule(db, request.accountId, request.params.id);
      return previewRule(db, request.accountId, rule, request.body, config.publicUrl);
    },
  );

  app.post(
    '/rules/:id/dry-run',
    {
      schema: {
        tags,
        summary: 'Dry-run a rule against recent journey events',
        description: 'What the rule (enabled or not) would do for each of the account last `limit` journey events, changing nothing.',
        params: IdParams,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DRY_RUN_EVENTS, default: 50 })) },
          { additionalProperties: false },
        ),
        response: { 200: DryRunSchema, ...errors(400, 404) },
      },
    },
    async (request) => {
      const rule = await getRule(db, request.accountId, request.params.id);
      return { ruleId: rule.id, results: await dryRunRule(db, request.accountId, rule, request.query.limit ?? 50) };
    },
  );

  app.get(
    '/journey-events/:id/explain',
    {
      schema: {
        tags,
        summary: 'Explain why each rule did or did not fire for a journey event',
        params: IdParams,
        response: { 200: ExplanationSchema, ...errors(404) },
      },
    },
    async (request) => explainEvent(db, request.accountId, request.params.id),
  );
}
