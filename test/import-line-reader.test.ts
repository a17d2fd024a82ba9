import { describe, expect, it } from 'vitest';
import { FAILURES_KEPT, FailureLog, parseJsonLines } from '../src/api/imports/json-lines.js';
import { readJsonLines } from '../src/api/imports/line-reader.js';

// Reading JSON lines from byte chunks: whatever the chunk boundaries, the same items.
async function read(chunks: Array<Buffer | string>, opts = {}) {
  const out = [];
  for await (const items of readJsonLines(chunks, opts)) out.push(...items);
  return out;
}

describe('readJsonLines', () => {
  const text = '\uFEFF{"a":1}\r\n\n  \n{bad\r\nx\n{"é":"ü"}\n[1]\n{"b":"\\u0000"}';
  const expected = [
    { line: 1, value: { a: 1 } },
    { line: 4, error: 'not valid JSON' },
    { line: 5, error: 'not valid JSON' },
    { line: 6, value: { é: 'ü' } },
    { line: 7, value: [1] },
    { line: 8, error: 'text must not contain NUL characters' },
  ];

  it('numbers lines from 1, skips blank ones and a BOM, and reads the last line without a newline', async () => {
    expect(await read([Buffer.from(text)])).toEqual(expected);
    expect([...parseJsonLines(text)]).toEqual(expected);
  });

  it('gives the same items for every way of cutting the bytes into chunks (also inside a UTF-8 character)', async () => {
    const bytes = Buffer.from(text);
    for (let size = 1; size <= bytes.length; size += 3) {
      const chunks = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      expect(await read(chunks), `chunks of ${size}`).toEqual(expected);
    }
  });

  it('reports a line over the limit without holding it, and goes on', async () => {
    const long = `{"a":"${'y'.repeat(100)}"}`;
    const chunks = ['{"ok":1}\n', long.slice(0, 40), long.slice(40), '\n{"ok":2}'];
    expect(await read(chunks, { maxLineBytes: 50 })).toEqual([
      { line: 1, value: { ok: 1 } },
      { line: 2, error: 'line is longer than 50 bytes' },
      { line: 3, value: { ok: 2 } },
    ]);
  });

  it('skips the lines a resumed import has done', async () => {
    expect(await read([Buffer.from(text)], { skipThrough: 5 })).toEqual(expected.slice(3));
  });
});

describe('FailureLog', () => {
  it('counts every failure and keeps the first 100 by line, whatever order they come in', () => {
    const log = new FailureLog();
    for (let line = 300; line >= 1; line--) log.add({ line, error: `e${line}` });
    expect(log.count).toBe(300);
    expect(log.kept).toHaveLength(FAILURES_KEPT);
    expect(log.kept.map((f) => f.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});
