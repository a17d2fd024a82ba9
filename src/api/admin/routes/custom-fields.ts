import { createCustomField, deleteCustomField, listCustomFields } from '../../../core/locations/custom-fields.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { readI18n } from '../input.js';
import { presentCustomField } from '../presenters.js';
import { CustomFieldCreate, CustomFieldListSchema, CustomFieldSchema, IdParams, NoContent, errors } from '../schemas.js';

const tags = ['custom fields'];

/** Account-specific fields (room number...) that loops and guests carry. */
export async function customFieldRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get(
    '/custom-fields',
    {
      schema: { tags, summary: 'List custom fields', response: { 200: CustomFieldListSchema, ...errors() } },
    },
    async (request) => ({ customFields: (await listCustomFields(db, request.accountId)).map(presentCustomField) }),
  );

  app.post(
    '/custom-fields',
    { schema: { tags, summary: 'Create a custom field', body: CustomFieldCreate, response: { 201: CustomFieldSchema, ...errors(400, 409, 413) } } },
    async (request, reply) => {
      const { shortcode, title, required } = request.body;
      const field = await createCustomField(db, request.accountId, { shortcode, title: readI18n(title, 'title'), required });
      return reply.status(201).send(presentCustomField(field));
    },
  );

  app.delete(
    '/custom-fields/:id',
    { schema: { tags, summary: 'Delete a custom field', params: IdParams, response: { 204: NoContent, ...errors(400, 404) } } },
    async (request, reply) => {
      await deleteCustomField(db, request.accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
