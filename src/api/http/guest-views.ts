import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Liquid } from 'liquidjs';

/*
 * The one renderer of every page the server renders itself (stay, Loop, unsubscribe, survey,
 * loyalty portal and its password reset, the about page, the 429 page): LiquidJS templates in the
 * top-level views/ folder, every output escaped unless a template says `| raw` (only for text of
 * ours, never guest or staff text), and an unknown variable is an error, not an empty string.
 * Texts come from views/locales/<lang>.json, English filling in what a language lacks. Each
 * template is parsed once (the engine's cache and the parsed map below), then only rendered.
 */

/** The languages with a translation file; the first is the fallback. */
export const GUEST_LANGUAGES = ['en', 'sv', 'es', 'fr', 'de'] as const;
export type GuestLanguage = (typeof GUEST_LANGUAGES)[number];

/** The views folder: found upwards from this module, so it works from src/ (tests) and dist/src/ (builds). */
function findViews(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'views');
    if (fs.existsSync(path.join(candidate, 'layout.liquid'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('the views/ folder of the guest pages was not found');
    dir = parent;
  }
}

export const VIEWS_DIR = findViews();

const engine = new Liquid({
  root: VIEWS_DIR,
  extname: '.liquid',
  outputEscape: 'escape',
  strictVariables: true,
  strictFilters: true,
  cache: true,
});

export type Texts = { [key: string]: string | Texts };

function readTexts(lang: string): Texts {
  return JSON.parse(fs.readFileSync(path.join(VIEWS_DIR, 'locales', `${lang}.json`), 'utf8')) as Texts;
}

/** `base` with what `over` says instead, key by key (so a missing key keeps the English text). */
function overlay(base: Texts, over: Texts): Texts {
  const out: Texts = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = base[key];
    out[key] = typeof value === 'object' && typeof under === 'object' ? overlay(under, value) : value;
  }
  return out;
}

const TEXTS = new Map<string, Texts>();
const english = readTexts('en');
for (const lang of GUEST_LANGUAGES) TEXTS.set(lang, lang === 'en' ? english : overlay(english, readTexts(lang)));

/** The texts of a language, English for the keys it lacks. */
export function textsOf(lang: GuestLanguage): Texts {
  return TEXTS.get(lang)!;
}

const FLAT = new Map<GuestLanguage, Record<string, string>>(
  GUEST_LANGUAGES.map((lang) => [
    lang,
    Object.fromEntries(Object.entries(textsOf(lang)).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
  ]),
);

/** The top-level texts of a language (the survey's and the portal's `snake_case` keys), English for those it lacks. */
export function flatTexts(lang: GuestLanguage): Readonly<Record<string, string>> {
  return FLAT.get(lang)!;
}

/** A text by dotted key with `{name}` placeholders filled (for texts built outside a template). */
export function text(lang: GuestLanguage, key: string, values: Record<string, string | number> = {}): string {
  let node: string | Texts | undefined = textsOf(lang);
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`no text ${key}`);
  return node.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

const supported = (code: string | null | undefined): GuestLanguage | undefined => {
  const base = code?.trim().toLowerCase().split(/[-_]/)[0];
  return (GUEST_LANGUAGES as readonly string[]).includes(base ?? '') ? (base as GuestLanguage) : undefined;
};

/**
 * The guest's language: the first of `known` (the guest's, the stay's, the chat session's) that
 * has a translation, else the best of Accept-Language, else English.
 */
export function guestLanguage(known: Array<string | null | undefined>, acceptLanguage: string | undefined): GuestLanguage {
  for (const code of known) {
    const lang = supported(code);
    if (lang) return lang;
  }
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
      return { tag, q: q ? Number(q[1]) : 1, index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    const lang = supported(entry.tag);
    if (lang) return lang;
  }
  return 'en';
}

/** The pages' one stylesheet, inline (no extra request); its CSP source is its hash. */
const STYLE = fs.readFileSync(path.join(VIEWS_DIR, 'assets', 'guest.css'), 'utf8');
export const GUEST_STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** Each view parsed once (renderFile would look its file up again on every render). */
const parsed = new Map<string, ReturnType<typeof engine.parseFileSync>>();

/**
 * Renders views/<view>.liquid in `lang`: the template sees `t` (the texts), `lang`, `style`,
 * `brand` (a header line, none unless `data` has one) and `data`'s keys. `script` names a module
 * the layout loads (served by guest-assets.ts), if any. Synchronous: the templates are parsed
 * once, and hooks that answer at once can call it.
 */
export function renderGuestPageSync(view: string, lang: GuestLanguage, data: Record<string, unknown>, script: string | null = null): string {
  let template = parsed.get(view);
  if (!template) {
    template = engine.parseFileSync(view);
    parsed.set(view, template);
  }
  return engine.renderSync(template, { brand: '', ...data, t: textsOf(lang), lang, style: STYLE, script });
}
