import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { aboutHtml, aboutPage } from './home-page.js';

/*
 * The staff console (console/, a React single-page app) is built by `npm run build` into
 * dist/console and served here: its assets under /assets/, its page at `/` and at every other
 * GET that asks for HTML outside the APIs and the guest pages, so that a reload keeps the screen.
 */

/** Paths that are never the console's: the faces, the admin API, hooks, operations, guest pages. */
const NOT_CONSOLE = /^\/(loop|loopon|prio|fideltour|admin|hooks|metrics|healthz|readyz|stay|survey|g|unsubscribe|assets|about)(\/|$|\?)/;

/** dist/console, found from this module whether it runs from src/ (tests) or dist/src/ (npm start). */
export function consoleDir(): string {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  return basename(root) === 'dist' ? join(root, 'console') : join(root, 'dist', 'console');
}

/** The console's headers: its own scripts and styles, its API and socket on this origin, no framing. */
function consoleHeaders(publicUrl: string): Record<string, string> {
  const origin = new URL(publicUrl);
  const socketOrigin = `${origin.protocol === 'https:' ? 'wss' : 'ws'}://${origin.host}`;
  const csp = [
    "default-src 'self'",
    "base-uri 'none'",
    `connect-src 'self' ${socketOrigin}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'cache-control': 'no-cache',
  };
}

/** Answers a request that asked for one of the console's screens with the console's page. */
export type ConsoleFallback = (request: FastifyRequest, reply: FastifyReply) => boolean;

/**
 * Serves the console when it is built; otherwise `/` is the about page (a checkout that was
 * never built still tells a visitor where the APIs are). `/about` is always the about page.
 * Returns what the server's not-found handler calls first: it answers the console's page for a
 * GET of any other screen (a reload keeps the screen), or says it did not.
 */
export async function consoleRoutes(app: FastifyInstance, publicUrl: string, dir = consoleDir()): Promise<ConsoleFallback> {
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    await aboutPage(app, publicUrl, ['/', '/about']);
    return () => false;
  }
  await aboutPage(app, publicUrl, ['/about']);
  // Before the script runs (and for clients without one), the page says what the server is.
  const index = readFileSync(indexFile, 'utf8').replace('<div id="root"></div>', `<div id="root">${aboutHtml(publicUrl)}</div>`);
  const headers = consoleHeaders(publicUrl);
  const send = (reply: FastifyReply) => reply.headers(headers).type('text/html; charset=utf-8').send(index);
  await app.register(async (scope) => {
    // Hashed file names: an asset never changes under its name.
    await scope.register(fastifyStatic, { root: join(dir, 'assets'), prefix: '/assets/', immutable: true, maxAge: '365d', index: false });
    scope.get('/', { schema: { hide: true } }, async (_request, reply) => send(reply));
  });
  return (request, reply) => {
    if (!wantsConsole(request)) return false;
    void send(reply.status(200));
    return true;
  };
}

/** A GET or HEAD that accepts HTML, outside the APIs and guest pages. */
function wantsConsole(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (NOT_CONSOLE.test(request.url)) return false;
  return /text\/html|\*\/\*/.test(request.headers.accept ?? '');
}
