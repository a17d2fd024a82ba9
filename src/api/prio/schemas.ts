import { Type } from '@sinclair/typebox';

/*
 * Response schemas of the face (for the OpenAPI document and the serializer). The exact field
 * rules are those of ../shared/specs/prio-contacts-openapi-excerpt.json; a test validates the
 * answers against it. Optional fields are left open here (additionalProperties) so the presenter
 * alone decides what a contact shows.
 */

export const ErrorModel = Type.Object({
  error: Type.String(),
  error_reference: Type.String(),
  error_message: Type.Optional(Type.String()),
  error_description: Type.Optional(Type.String()),
});

const ContactDetails = Type.Object(
  {
    contact_uid: Type.String({ format: 'uuid' }),
    contact_version: Type.Integer(),
    contact_type: Type.String(),
    contact_created: Type.String({ description: 'RFC 3339, +00:00' }),
    contact_modified: Type.String({ description: 'RFC 3339, +00:00' }),
  },
  { additionalProperties: true },
);

export const ContactListResponse = Type.Object({
  api_version: Type.String(),
  data: Type.Object({
    kind: Type.Literal('contact'),
    current_item_count: Type.Integer(),
    items_per_page: Type.Integer(),
    start_index: Type.Integer(),
    total_items: Type.Integer(),
    page_index: Type.Integer(),
    total_pages: Type.Integer(),
    items: Type.Array(ContactDetails),
  }),
});

export const ContactDetailResponse = Type.Object({
  api_version: Type.String(),
  data: Type.Object({ kind: Type.Literal('contact'), items: Type.Array(ContactDetails) }),
});
