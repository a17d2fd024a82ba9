import { MAX_LINE_BYTES, parseLine, type ImportItem } from './json-lines.js';

/*
 * Reads JSON lines from a stream of byte chunks (a request body, a file, a job's stored input)
 * without ever holding more than one chunk and one line: each chunk's complete lines are parsed
 * and handed on as one array (an array per chunk, not a promise per line: a 64 MiB file of short
 * lines is 32 million of them). A line longer than MAX_LINE_BYTES is reported and skipped as it
 * streams by. Lines up to `skipThrough` are not parsed (a resumed import has done them).
 */

export interface LineReaderOptions {
  skipThrough?: number;
  maxLineBytes?: number;
}

const NEWLINE = 0x0a;
/** Items per array handed on: a 1 MiB chunk of junk is half a million lines, not one array of them. */
const ITEMS_PER_YIELD = 2000;
const EMPTY = Buffer.alloc(0);
/** The bytes a JSON value can start with (after blanks): anything else is refused unread. */
const JSON_FIRST_BYTES = new Uint8Array(256);
for (const c of '{["-0123456789tfn') JSON_FIRST_BYTES[c.charCodeAt(0)] = 1;

/** The items of each chunk's complete lines; the last line needs no final newline. */
export async function* readJsonLines(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  opts: LineReaderOptions = {},
): AsyncGenerator<ImportItem[]> {
  const skipThrough = opts.skipThrough ?? 0;
  const maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  let line = 1;
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let tooLong = false;

  /** Ends the current line: bytes [from, to) of `bytes`. */
  const finish = (bytes: Buffer, from: number, to: number, out: ImportItem[]) => {
    if (line > skipThrough) {
      if (tooLong) out.push({ line, error: `line is longer than ${maxLineBytes} bytes` });
      else {
        if (line === 1 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) from += 3; // BOM
        let first = from;
        while (first < to && (bytes[first] === 0x20 || bytes[first] === 0x09 || bytes[first] === 0x0d)) first++;
        // Blank, or junk told by its first byte: no string is made for it.
        if (first < to) {
          if (!JSON_FIRST_BYTES[bytes[first]]) out.push({ line, error: 'not valid JSON' });
          else {
            const item = parseLine(line, bytes.toString('utf8', first, to));
            if (item) out.push(item);
          }
        }
      }
    }
    line++;
    partial = [];
    partialBytes = 0;
    tooLong = false;
  };

  for await (const chunk of chunks) {
    const buf =
      typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let out: ImportItem[] = [];
    let start = 0;
    for (;;) {
      if (out.length >= ITEMS_PER_YIELD) {
        yield out;
        out = [];
      }
      const end = buf.indexOf(NEWLINE, start);
      if (end === -1) break;
      if (partialBytes + (end - start) > maxLineBytes) tooLong = true;
      if (tooLong) finish(EMPTY, 0, 0, out);
      else if (partialBytes === 0) finish(buf, start, end, out);
      else {
        const whole = Buffer.concat([...partial, buf.subarray(start, end)]);
        finish(whole, 0, whole.length, out);
      }
      start = end + 1;
    }
    const rest = buf.length - start;
    if (rest > 0) {
      if (!tooLong && partialBytes + rest > maxLineBytes) {
        tooLong = true;
        partial = [];
      }
      // copied: the chunk may be a view into memory its producer reuses
      if (!tooLong) partial.push(Buffer.from(buf.subarray(start)));
      partialBytes += rest;
    }
    if (out.length) yield out;
  }
  if (partialBytes > 0) {
    const out: ImportItem[] = [];
    const whole = tooLong ? EMPTY : Buffer.concat(partial);
    finish(whole, 0, whole.length, out);
    if (out.length) yield out;
  }
}
