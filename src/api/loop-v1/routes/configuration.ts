import { Type } from '@sinclair/typebox';
import { listCustomFields, findCustomFieldByShortcode } from '../../../core/locations/custom-fields.js';
import { findLocationByShortcode } from '../../../core/locations/locations.js';
import { isLoopPlace, listLoopLocations } from './resolve.js';
import { listLoopTypes } from '../../../core/locations/loop-types.js';
import { notFound } from '../../../core/shared/errors.js';
import type { LoopApp, LoopDeps } from '../context.js';
import { presentCustomField, presentLocation, presentLoopType } from '../presenters.js';
import { AuthQuery, CustomFieldSchema, LocationSchema, LoopTypeSchema, VersionParams, errorResponses } from '../schemas.js';

const ShortcodeParams = Type.Object({ version: Type.String(), shortcode: Type.String() });

/** What a device reads once when it is set up: locations, loop types, custom fields. */
export async function configurationRoutes(app: LoopApp, { db }: LoopDeps): Promise<void> {
  app.get(
    '/locations',
    {
      schema: {
        summary: 'List the locations of the account',
        params: VersionParams,
        querystring: AuthQuery,
        response: { 200: Type.Object({ locations: Type.Array(LocationSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ locations: (await listLoopLocations(db, request.accountId)).map(presentLocation) }),
  );

  app.get(
    '/locations/:shortcode',
    {
      schema: {
        summary: 'Get a location by its shortcode',
        params: ShortcodeParams,
        querystring: AuthQuery,
        response: { 200: LocationSchema, ...errorResponses },
      },
    },
    async (request) => {
      const location = await findLocationByShortcode(db, request.accountId, request.params.shortcode);
      if (!location || !isLoopPlace(location)) throw notFound(`location with shortcode "${request.params.shortcode}"`);
      return presentLocation(location);
    },
  );

  app.get(
    '/looptypes',
    {
      schema: {
        summary: 'List the loop types of the account',
        params: VersionParams,
        querystring: AuthQuery,
        response: { 200: Type.Object({ looptypes: Type.Array(LoopTypeSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ looptypes: (await listLoopTypes(db, request.accountId)).map(presentLoopType) }),
  );

  app.get(
    '/customfields',
    {
      schema: {
        summary: 'List the custom fields of the account',
        params: VersionParams,
        querystring: AuthQuery,
        response: { 200: Type.Object({ customfields: Type.Array(CustomFieldSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ customfields: (await listCustomFields(db, request.accountId)).map(presentCustomField) }),
  );

  app.get(
    '/customfields/:shortcode',
    {
      schema: {
        summary: 'Get a custom field by its shortcode',
        params: ShortcodeParams,
        querystring: AuthQuery,
        response: { 200: CustomFieldSchema, ...errorResponses },
      },
    },
    async (request) => {
      const field = await findCustomFieldByShortcode(db, request.accountId, request.params.shortcode);
      if (!field) throw notFound(`custom field with shortcode "${request.params.shortcode}"`);
      return presentCustomField(field);
    },
  );
}
