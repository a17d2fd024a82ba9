import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { docsPageHeaders } from './security-headers.js';

export interface FaceDocsOptions {
  prefix: string; // e.g. '/loop'
  title: string;
  description: string;
  serverUrl: string;
  securitySchemes?: Record<string, unknown>;
  security?: Array<Record<string, string[]>>;
  /**
   * Path parameters the product documents as fixed text (Loop's `:version` is `v1`): written into
   * the documented paths and left out of the parameters.
   */
  fixedParams?: Record<string, string>;
  /** OpenAPI 3.1 `webhooks`: the requests this API sends (the admin API's event deliveries) */
  webhooks?: Record<string, unknown>;
}

/** `schema` without the path parameters in `fixed` (a copy; the route keeps its own). */
function withoutParams(schema: Record<string, any>, fixed: Record<string, string>): Record<string, any> {
  const params = schema.params;
  if (!params?.properties) return schema;
  const names = Object.keys(fixed);
  if (!names.some((n) => n in params.properties)) return schema;
  const properties = Object.fromEntries(Object.entries(params.properties).filter(([name]) => !names.includes(name)));
  const required = (params.required ?? []).filter((name: string) => !names.includes(name));
  const { params: _dropped, ...rest } = schema;
  return Object.keys(properties).length ? { ...rest, params: { ...params, properties, required } } : rest;
}

/**
 * Registers an OpenAPI 3.1 document generated from the face's route schemas, served at
 * `<prefix>/openapi.json`, and a rendered reference page at `<prefix>/docs`. Paths are written as
 * the product documents them (without our mount prefix); `servers` carries the prefix.
 * Must be called inside the face's plugin, before its routes are registered.
 */
export async function registerFaceDocs(app: FastifyInstance, opts: FaceDocsOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: opts.title, description: opts.description, version: '1.0.0' },
      servers: [{ url: opts.serverUrl }],
      components: { securitySchemes: (opts.securitySchemes ?? {}) as any },
      security: opts.security ?? [],
    },
    transform: ({ schema, url }) => {
      let path = url.startsWith(opts.prefix) ? url.slice(opts.prefix.length) || '/' : url;
      const fixed = opts.fixedParams ?? {};
      for (const [name, value] of Object.entries(fixed)) path = path.replace(`:${name}`, value);
      return { schema: withoutParams((schema ?? {}) as Record<string, any>, fixed) as any, url: path };
    },
  });
  // In a scope of their own, so the security headers of the reference page (its CSP) reach
  // only the page and its assets. No validator badge: it would send the spec's URL to swagger.io.
  await app.register(async (docs) => {
    await docsPageHeaders(docs, opts.serverUrl);
    await docs.register(swaggerUi, { routePrefix: `${opts.prefix}/docs`, uiConfig: { docExpansion: 'list', validatorUrl: null } });
  });
  app.get(`${opts.prefix}/openapi.json`, { schema: { hide: true } }, async () =>
    opts.webhooks ? { ...app.swagger(), webhooks: opts.webhooks } : app.swagger(),
  );
}
