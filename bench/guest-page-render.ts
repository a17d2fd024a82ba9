import os from 'node:os';
import { renderGuestPageSync } from '../src/api/http/guest-views.js';

/*
 * node dist/bench/guest-page-render.js (after npm run build): what rendering a stay page from its
 * LiquidJS template costs, against the string concatenation it replaced (baseline, same content
 * shape, in the same run): 5 requests of 3 activities each and 50 chat messages.
 */

const data = {
  title: 'Sea Hotel Kattegat',
  heading: 'Sea Hotel Kattegat',
  subheading: null,
  greeting: 'Hello Summer Smith.',
  statusText: 'Welcome!',
  status: 'instay',
  details: [
    { label: 'Check-in', value: '2026-03-01' },
    { label: 'Check-out', value: '2026-03-03' },
    { label: 'Room', value: '214' },
  ],
  requests: Array.from({ length: 5 }, (_, i) => ({
    title: `Request ${i}`,
    description: 'Two more towels <please>',
    state: 'open',
    stateText: 'Open',
    location: 'Sea Hotel',
    activities: Array.from({ length: 3 }, () => ({ label: 'Reply', at: '2026-03-01T10:00:00.000Z', when: 'Mar 1, 2026', by: 'Rick', text: 'On their way' })),
  })),
  survey: null,
  chat: {
    socket: '/loopon/chat/public/en/x',
    upload: '/g/chat/x/photos',
    image: '/g/chat/x/image',
    texts: '{}',
    messages: Array.from({ length: 50 }, (_, i) => ({ id: String(i), author: i % 2 ? 'hotel' : 'guest', who: 'You', image: null, text: `message ${i} <b>` })),
  },
};

// The baseline: the string concatenation the pages were built with before (its helpers, kept here only).
const escapeHtml = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;

const concat = () =>
  page(
    data.title,
    `<h1>${escapeHtml(data.heading)}</h1>${data.requests
      .map(
        (r) =>
          `<article><h3>${escapeHtml(r.title)}</h3><p>${escapeHtml(r.description)}</p>${r.activities.map((a) => `<div>${escapeHtml(a.label)} ${escapeHtml(a.text)}</div>`).join('')}</article>`,
      )
      .join('')}${data.chat.messages.map((m) => `<li data-id="${escapeHtml(m.id)}">${escapeHtml(m.text)}</li>`).join('')}`,
  );
const liquid = () => renderGuestPageSync('stay', 'en', data, '/g/assets/chat.js');

const time = (render: () => string, n: number) => {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) render();
  return Number(process.hrtime.bigint() - start) / 1e3 / n;
};

for (let i = 0; i < 300; i++) {
  liquid();
  concat();
}
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (let round = 1; round <= 3; round++) {
  const base = time(concat, 2000);
  const templ = time(liquid, 2000);
  console.log(`round ${round}: concatenation ${base.toFixed(0)} µs, template ${templ.toFixed(0)} µs a page, ratio ${(templ / base).toFixed(1)}`);
}
