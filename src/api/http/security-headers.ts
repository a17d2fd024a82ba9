import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { GUEST_STYLE_SOURCE } from './guest-views.js';

/*
 * Security headers of the HTML the server renders, set by @fastify/helmet registered inside the
 * scope that holds those routes only: the JSON APIs of the faces never run its hooks (no cost per
 * API request, no header an integration could trip over). The admin API is the exception: the
 * console reads it with a session cookie, so it sends helmet's headers too (src/api/admin/index.ts).
 */

/**
 * Guest pages (a loop's page, an invite, a stay page): their URL carries the credential (a
 * signature or a link token), so it must not leak through Referer, caches or a framing page.
 * Their one inline style (views/assets/guest.css, the same on every page) is allowed by its hash.
 * Scopes whose pages run the chat allow ES modules this server serves ('self', never inline, no
 * inline handlers) and its socket and images; the others allow no script. The invite form posts to its own page, which redirects
 * to the loop's page at PUBLIC_URL (browsers check form-action on redirects).
 */
const socketOrigin = (publicUrl: string) => {
  const url = new URL(publicUrl);
  return `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`;
};

function guestPageHelmet(publicUrl: string, withScript: boolean): FastifyHelmetOptions {
  // Pages with the chat load our module and talk to our socket, photos and image proxy; others allow no script at all.
  const scripted: Record<string, string[]> = withScript
    ? { scriptSrc: ["'self'"], scriptSrcAttr: ["'none'"], connectSrc: ["'self'", socketOrigin(publicUrl)] }
    : {};
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: [GUEST_STYLE_SOURCE],
        imgSrc: ["'self'"],
        ...scripted,
        formAction: ["'self'", new URL(publicUrl).origin],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  };
}

/**
 * Registers the guest-page headers on `scope` (call it inside an encapsulated plugin holding
 * only guest pages): helmet's set above, and `Cache-Control: no-store` and `X-Robots-Tag: noindex`
 * on every answer of those routes, the 404 and 429 pages included, so that an invalid link
 * answers exactly like an unknown one. `script`: the scope's pages run the chat module.
 */
export async function guestPageHeaders(scope: FastifyInstance, publicUrl: string, opts: { script?: boolean } = {}): Promise<void> {
  await scope.register(helmet, guestPageHelmet(publicUrl, opts.script ?? false));
  scope.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow');
    done();
  });
}

/**
 * The API reference pages (swagger-ui: its own scripts and styles, no inline script; the spec
 * and "Try it out" calls go to this server or the origin of the documented server URL). Close to swagger-ui's own
 * `staticCSP`, without the validator badge (an external image that would send the spec's URL to
 * swagger.io), without `upgrade-insecure-requests` (a plain-HTTP install must still load its
 * assets) and with framing refused.
 */
export async function docsPageHeaders(scope: FastifyInstance, serverUrl: string): Promise<void> {
  const publicOrigin = new URL(serverUrl).origin;
  await scope.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'", publicOrigin],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
      },
    },
    xFrameOptions: { action: 'deny' },
  });
}
