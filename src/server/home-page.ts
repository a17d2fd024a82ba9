import type { FastifyInstance } from 'fastify';
import { renderGuestPageSync } from '../api/http/guest-views.js';
import { guestPageHeaders } from '../api/http/security-headers.js';

/** One face as a newcomer meets it: where its API is, where its reference is. */
export interface FaceEntry {
  /** the face's name in FACE_HOSTS */
  id: string;
  name: string;
  what: string;
  /** the base URL a client of the product puts in its configuration */
  api: string;
  /** the rendered OpenAPI reference and the document itself */
  docs: string;
  openapi: string;
}

/** The faces this server answers, with their URLs under PUBLIC_URL (the home page and the start-up line). */
export function faceEntries(publicUrl: string): FaceEntry[] {
  const at = (path: string) => `${publicUrl}${path}`;
  return [
    {
      id: 'loop',
      name: 'Loop v1',
      what: 'the Benbria Loop API v1: Contact, ContactEvent, loops, locations, surveys',
      api: at('/loop/api/v1'),
      docs: at('/loop/docs'),
      openapi: at('/loop/openapi.json'),
    },
    {
      id: 'loopon',
      name: 'Loopon',
      what: 'the Loopon Public API: OAuth 2 (token at /loopon/oauth2/token), units, answers, scores, reviews, stays',
      api: at('/loopon/public'),
      docs: at('/loopon/docs'),
      openapi: at('/loopon/openapi.json'),
    },
    {
      id: 'admin',
      name: 'admin API',
      what: 'the native API of Openstay: locations, surveys, guests, credentials, webhooks, imports',
      api: at('/admin/v1'),
      docs: at('/admin/docs'),
      openapi: at('/admin/openapi.json'),
    },
  ];
}

/** The docs URLs by face, as the start-up log line prints them. */
export function docsUrls(publicUrl: string): Record<string, string> {
  return Object.fromEntries(faceEntries(publicUrl).map((face) => [face.id, face.docs]));
}

/** What the server is and where its APIs are, as HTML (the about page, and the console page's content before its script runs). */
export function aboutHtml(publicUrl: string): string {
  return renderGuestPageSync('about-content', 'en', aboutData(publicUrl));
}

const aboutData = (publicUrl: string) => ({ title: 'Openstay', faces: faceEntries(publicUrl), console_url: `${publicUrl}/` });

/**
 * `GET /about` (and `GET /` when the console is not built): a small page naming the faces, their
 * references and the next step, so that whoever opens the server learns where to go. It carries
 * the pages' headers: no script, its one style allowed by hash.
 */
export async function aboutPage(app: FastifyInstance, publicUrl: string, paths: string[]): Promise<void> {
  const html = renderGuestPageSync('about', 'en', aboutData(publicUrl));
  await app.register(async (scope) => {
    await guestPageHeaders(scope, publicUrl);
    for (const path of paths) scope.get(path, { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  });
}
