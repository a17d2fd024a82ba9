import { createHash } from 'node:crypto';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The one style block of every page: fixed text, so the pages' CSP allows it by its hash. */
const PAGE_STYLE = `
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}.muted{color:#666}.activity{border-left:3px solid #4a7;padding:.3rem .8rem;margin:.6rem 0}
label{display:block;margin:.8rem 0 .3rem}textarea,select,input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1.2rem;font:inherit}
`;

/** The CSP source that allows PAGE_STYLE and no other inline style: `'sha256-...'`. */
export const PAGE_STYLE_SOURCE = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

/**
 * A complete, self-contained page (no external assets: guest pages must work offline of CDNs, and
 * no script: their CSP allows none).
 */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style></head><body>${body}</body></html>`;
}
