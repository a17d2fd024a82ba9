import { StringDecoder } from 'node:string_decoder';
import type { ImportItem } from './json-lines.js';

/*
 * CSV files for `openstay import contacts` (RFC 4180: comma-separated, fields with commas, quotes
 * or line breaks in double quotes, a quote inside doubled). The first line names the columns; each
 * record becomes the JSON line docs/import.md describes, so the importer checks it the same way:
 * a column is a field of the line (`foreignId`, `email`...), `ids.loop`, `keys.<source>` (a key of
 * that source), `customFields.<name>`, or `stay.<field>` (one stay: `stay.ref`, `stay.location`,
 * `stay.location.loop`, `stay.location.loopon`, `stay.arrival`...). An empty cell is no value. A
 * record is numbered by the line it starts on, as the JSON-lines reader numbers its lines.
 */

const SCALARS = new Set(['foreignId', 'firstName', 'lastName', 'name', 'email', 'mobile', 'language', 'vipStatus', 'groupName']);
const STAY = new Set(['ref', 'location', 'location.loop', 'location.loopon', 'bookingReference', 'arrival', 'departure', 'room', 'status']);

type Setter = (into: Record<string, any>, value: string) => void;

/** How each column goes into a record; a string when a column is none of those above. */
export function csvColumns(header: string[]): Setter[] | string {
  const seen = new Set<string>();
  const setters: Setter[] = [];
  for (const raw of header) {
    const name = raw.trim();
    if (seen.has(name)) return `column "${name}" is given twice`;
    seen.add(name);
    if (SCALARS.has(name))
      setters.push((o, v) => {
        o[name] = v;
      });
    else if (name === 'ids.loop')
      setters.push((o, v) => {
        o.ids = { loop: v };
      });
    else if (name.startsWith('keys.') && name.length > 5) {
      const source = name.slice(5);
      setters.push((o, v) => {
        o.keys ??= [];
        o.keys.push({ source, key: v });
      });
    } else if (name.startsWith('customFields.') && name.length > 13) {
      const field = name.slice(13);
      setters.push((o, v) => {
        o.customFields ??= {};
        o.customFields[field] = v;
      });
    } else if (name.startsWith('stay.') && STAY.has(name.slice(5))) {
      const field = name.slice(5);
      setters.push((o, v) => {
        o.stays ??= [{}];
        const stay = o.stays[0];
        if (field === 'location.loop') stay.location = { ...(typeof stay.location === 'object' ? stay.location : {}), loop: v };
        else if (field === 'location.loopon')
          stay.location = { ...(typeof stay.location === 'object' ? stay.location : {}), loopon: /^\d+$/.test(v) ? Number(v) : v };
        else stay[field] = v;
      });
    } else return `column "${name}" is not a field of a contact (docs/import.md, "CSV")`;
  }
  return setters;
}

/**
 * The records of CSV text arriving in chunks, as import items in arrays (one per chunk). Records
 * starting at or before line `skipThrough` are parsed (a quoted field may span lines) but not
 * handed on. A header naming an unknown column is one failure at line 1 and nothing else is read.
 */
export async function* readCsvRecords(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  opts: { skipThrough?: number } = {},
): AsyncGenerator<ImportItem[]> {
  const skipThrough = opts.skipThrough ?? 0;
  const decoder = new StringDecoder('utf8');
  let setters: Setter[] | undefined;
  let line = 1;
  let recordLine = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let afterQuote = false;
  let first = true;
  let out: ImportItem[] = [];
  let stop = false;

  const endRecord = () => {
    cells.push(cell);
    cell = '';
    const at = recordLine;
    const row = cells;
    cells = [];
    if (row.length === 1 && row[0].trim() === '') return; // blank line
    if (!setters) {
      const columns = csvColumns(row);
      if (typeof columns === 'string') {
        out.push({ line: at, error: columns });
        stop = true;
        return;
      }
      setters = columns;
      return;
    }
    if (at <= skipThrough) return;
    if (row.length !== setters.length) {
      out.push({ line: at, error: `has ${row.length} fields; the header has ${setters.length}` });
      return;
    }
    const value: Record<string, unknown> = {};
    for (let i = 0; i < row.length; i++) if (row[i] !== '') setters[i](value, row[i]);
    out.push({ line: at, value });
  };

  const take = (text: string) => {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (quoted) {
        if (c === 0x22) {
          cell += text.slice(start, i);
          start = i + 1;
          quoted = false;
          afterQuote = true;
        } else if (c === 0x0a) line++;
        continue;
      }
      if (c === 0x22) {
        // A doubled quote inside a quoted field, or the opening quote.
        if (afterQuote) cell += '"';
        else cell += text.slice(start, i);
        start = i + 1;
        quoted = true;
        afterQuote = false;
        continue;
      }
      afterQuote = false;
      if (c === 0x2c) {
        cells.push(cell + text.slice(start, i));
        cell = '';
        start = i + 1;
      } else if (c === 0x0a) {
        let end = i;
        if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
        cell += text.slice(start, end);
        if (cell.endsWith('\r')) cell = cell.slice(0, -1); // a CRLF split between two chunks
        start = i + 1;
        endRecord();
        line++;
        recordLine = line;
        if (stop) return;
      }
    }
    cell += text.slice(start);
  };

  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    take(text);
    if (out.length) {
      yield out;
      out = [];
    }
    if (stop) return;
  }
  take(decoder.end());
  if (quoted) out.push({ line: recordLine, error: 'a quoted field is not closed before the end of the file' });
  else if (cell !== '' || cells.length) {
    endRecord();
  }
  if (out.length) yield out;
}
