import { Type } from '@sinclair/typebox';
import { PHONE_RULES, addBlocklistEntry, listBlocklist, removeBlocklistEntry, removeBlocklistEntryById } from '../../../core/accounts/identity-blocklist.js';
import { phoneCountries } from '../../../core/guests/identity-settings.js';
import { badRequest } from '../../../core/shared/errors.js';
import type { BlocklistEntry } from '../../../db/schema.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { Id, IdParams, Instant, NoContent, errors } from '../schemas.js';

const tags = ['identity'];

const Pattern = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'an e-mail glob (noemail@*), a phone number or glob (+1613555*; * any run, ? one character) or a phone rule (rule:fewer-than-6-digits)',
});

export const EntrySchema = Type.Object({
  id: Id,
  kind: Type.String({ description: 'email or phone' }),
  pattern: Type.String({ description: 'as stored: e-mails case-folded, phone numbers in E.164' }),
  createdAt: Instant,
});

export const ListSchema = Type.Object({
  entries: Type.Array(EntrySchema),
  phoneRules: Type.Array(Type.Object({ pattern: Type.String(), description: Type.String() }), { description: 'the phone rules a list may hold' }),
});

const presentEntry = (entry: BlocklistEntry) => ({ id: Number(entry.id), kind: entry.kind, pattern: entry.pattern, createdAt: entry.created_at });

/**
 * The account's identity blocklist: values that name no one person (placeholder e-mails, the front
 * desk's phone) and so never match a guest automatically. They stay on profiles and in lookups.
 */
export async function identityBlocklistRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get('/identity/blocklist', { schema: { tags, summary: 'List the identity blocklist', response: { 200: ListSchema, ...errors() } } }, async (request) => ({
    entries: (await listBlocklist(db, request.accountId)).map(presentEntry),
    phoneRules: Object.entries(PHONE_RULES).map(([pattern, rule]) => ({ pattern, description: rule.description })),
  }));

  app.post(
    '/identity/blocklist',
    {
      schema: {
        tags,
        summary: 'Block a value from matching',
        description: "Adding a pattern already listed answers with the listed entry. A national phone number is read in the account's defaultCountry.",
        body: Type.Object({ pattern: Pattern }, { additionalProperties: false }),
        response: { 201: EntrySchema, ...errors(400, 413) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const entry = await inWriteTransaction(db, async (trx) => addBlocklistEntry(trx, accountId, request.body.pattern, await phoneCountries(trx, accountId)));
      return reply.status(201).send(presentEntry(entry));
    },
  );

  app.delete(
    '/identity/blocklist',
    {
      schema: {
        tags,
        summary: 'Unblock a value',
        description: 'The pattern as added or as listed, in the JSON body {"pattern"} or as ?pattern=. 404 when it is not listed.',
        querystring: Type.Object({ pattern: Type.Optional(Pattern) }, { additionalProperties: false }),
        body: Type.Optional(Type.Union([Type.Object({ pattern: Pattern }, { additionalProperties: false }), Type.Null()])),
        response: { 204: NoContent, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const pattern = request.body?.pattern ?? request.query.pattern;
      if (pattern === undefined) throw badRequest('pattern is required, in the JSON body {"pattern": "..."} or as ?pattern=');
      await inWriteTransaction(db, async (trx) => removeBlocklistEntry(trx, accountId, pattern, await phoneCountries(trx, accountId)));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/identity/blocklist/:id',
    { schema: { tags, summary: 'Unblock a value by its entry id', params: IdParams, response: { 204: NoContent, ...errors(400, 404) } } },
    async (request, reply) => {
      await inWriteTransaction(db, (trx) => removeBlocklistEntryById(trx, request.accountId, request.params.id));
      return reply.status(204).send(null);
    },
  );
}
