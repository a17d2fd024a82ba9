import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { Liquid } from 'liquidjs';

/*
 * The renderer of the survey page and the loyalty portal: LiquidJS templates in
 * views/survey-portal/ (every output escaped, unknown variables an error), texts from one JSON
 * file per language under its locales/ (English fills in any text a language lacks). The views
 * folder is found from this module upwards, so the same code runs from src/ (tests) and dist/.
 */

export const PAGE_LANGUAGES = ['en', 'sv', 'es', 'fr', 'de'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

function findViews(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'views', 'survey-portal');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('views/survey-portal not found above the survey-portal renderer');
    dir = parent;
  }
}

const VIEWS = findViews();
const engine = new Liquid({ root: VIEWS, extname: '.liquid', outputEscape: 'escape', strictVariables: true, strictFilters: true, cache: true });

const readTexts = (lang: string) => JSON.parse(readFileSync(join(VIEWS, 'locales', `${lang}.json`), 'utf8')) as Record<string, string>;
const ENGLISH = readTexts('en');
const TEXTS = new Map<PageLanguage, Record<string, string>>(PAGE_LANGUAGES.map((lang) => [lang, { ...ENGLISH, ...readTexts(lang) }]));

/** The one style sheet, inlined in every page (no request to fetch it); the CSP allows it by hash. */
const STYLE = readFileSync(join(VIEWS, 'style.css'), 'utf8');
const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** The texts of a language (English for any it lacks). */
export function pageTexts(language: PageLanguage): Record<string, string> {
  return TEXTS.get(language) ?? ENGLISH;
}

/**
 * The page's language: the first of `preferred` (the guest's own, e.g. `sv-SE`) we have, else
 * the first of the browser's Accept-Language we have, else English.
 */
export function pageLanguage(acceptLanguage: string | undefined, ...preferred: Array<string | null | undefined>): PageLanguage {
  const known = (tag: string | null | undefined) => {
    const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
    return PAGE_LANGUAGES.find((l) => l === base);
  };
  for (const tag of preferred) {
    const lang = known(tag);
    if (lang) return lang;
  }
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const lang = known(tag);
    if (lang) return lang;
  }
  return 'en';
}

/** Renders views/survey-portal/<templateName>.liquid in `language`; templates read texts as `t.key`. */
export function renderPage(templateName: string, vars: Record<string, unknown>, language: PageLanguage): Promise<string> {
  return engine.renderFile(templateName, { ...vars, t: pageTexts(language), lang: language, style: STYLE });
}

/**
 * The security headers of these pages (inside the encapsulated scope that holds them): no
 * script, the one inline style by hash, forms posting only to this server, no framing, no
 * referrer (their URLs carry credentials), no caching, no indexing.
 */
export async function surveyPortalHeaders(scope: FastifyInstance, publicUrl: string): Promise<void> {
  await scope.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: [STYLE_SOURCE],
        imgSrc: ["'self'"],
        formAction: ["'self'", new URL(publicUrl).origin],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  scope.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow');
    done();
  });
}
