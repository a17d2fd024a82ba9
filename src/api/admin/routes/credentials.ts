import { issueCredential, revokeCredentials } from '../../../core/accounts/credentials.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { CredentialCreate, CredentialSchema, errors } from '../schemas.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

/** Issues API tokens: a Loop face authToken for an integration, or a new admin token. */
export async function credentialRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.post(
    '/credentials',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Issue a token',
        description:
          'Returns the new token once; only its hash is stored. With revokeExisting, the live tokens of that kind stop working first ' +
          '(for kind "admin" this includes the token making the call).',
        body: CredentialCreate,
        response: { 201: CredentialSchema, ...errors(400, 413) },
      },
    },
    async (request, reply) => {
      const accountId = request.accountId;
      const { kind, label, revokeExisting } = request.body;
      const token = await inWriteTransaction(db, async (trx) => {
        if (revokeExisting) await revokeCredentials(trx, accountId, kind);
        return issueCredential(trx, accountId, kind, label?.trim() || 'issued through the admin API');
      });
      return reply.status(201).send({ kind, token });
    },
  );
}
