import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export interface FaceDocsOptions {
  prefix: string; // e.g. '/loop'
  title: string;
  description: string;
  serverUrl: string;
  securitySchemes?: Record<string, unknown>;
  security?: Array<Record<string, string[]>>;
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
      const path = url.startsWith(opts.prefix) ? url.slice(opts.prefix.length) || '/' : url;
      return { schema: schema as any, url: path };
    },
  });
  await app.register(swaggerUi, { routePrefix: `${opts.prefix}/docs`, staticCSP: true, uiConfig: { docExpansion: 'list' } });
  app.get(`${opts.prefix}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());
}
