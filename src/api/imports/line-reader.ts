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

  const finish = (bytes: Buffer, out: ImportItem[]) => {
    if (line > skipThrough) {
      if (tooLong) out.push({ line, error: `line is longer than ${maxLineBytes} bytes` });
      else {
        let text = bytes.toString('utf8');
        if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        const item = parseLine(line, text);
        if (item) out.push(item);
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
      if (tooLong) finish(EMPTY, out);
      else finish(partialBytes === 0 ? buf.subarray(start, end) : Buffer.concat([...partial, buf.subarray(start, end)]), out);
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
    finish(tooLong ? EMPTY : Buffer.concat(partial), out);
    if (out.length) yield out;
  }
}
