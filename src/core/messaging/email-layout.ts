import sanitizeHtml from 'sanitize-html';

/*
 * What an e-mail is made of besides its template: the responsive default layout around the
 * rendered HTML body, and the plain-text part generated from that body (every e-mail carries
 * both, so a text-only client or a spam filter reads the same message).
 */

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The HTML document of an e-mail: one centred column at most 600 px wide, readable on a phone. */
export function emailLayout(subject: string, bodyHtml: string, unsubscribeUrl: string): string {
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
<style>
body { margin: 0; padding: 0; background: #f4f4f5; }
.wrap { max-width: 600px; margin: 0 auto; padding: 24px 16px; font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #18181b; }
.card { background: #ffffff; border-radius: 8px; padding: 24px; }
.foot { font-size: 12px; color: #71717a; padding: 16px 8px; }
img { max-width: 100%; height: auto; }
@media (max-width: 480px) { .wrap { padding: 8px; } .card { padding: 16px; } }
</style>
</head>
<body>
<div class="wrap">
<div class="card">
${bodyHtml}
</div>
<div class="foot"><a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a></div>
</div>
</body>
</html>
`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * The plain-text part of an HTML body: paragraphs and line breaks kept, links written as
 * "text (url)", list items as "- ", every other tag dropped (sanitize-html parses it, so broken
 * markup cannot leak through), entities decoded and runs of blank lines collapsed.
 */
export function htmlToText(html: string): string {
  const marked = sanitizeHtml(html, {
    allowedTags: ['a', 'br', 'p', 'div', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'tr'],
    allowedAttributes: { a: ['href'] },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  });
  const text = marked
    .replace(/<a href="([^"]*)">([\s\S]*?)<\/a>/g, (_m, href: string, label: string) => {
      const url = decode(href);
      const shown = label.replace(/<[^>]*>/g, '').trim();
      return shown && decode(shown) !== url ? `${shown} (${url})` : url;
    })
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<li>/g, '\n- ')
    .replace(/<\/(p|div|ul|ol|h[1-4]|tr)>/g, '\n\n')
    .replace(/<[^>]*>/g, '');
  return decode(text)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function decode(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#') && name !== '#39') return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? m;
  });
}
