import net from 'node:net';

/**
 * The HTTP request a documented example describes, read the way a shell and curl read it, so that
 * the spec replay (test/spec-examples-replay.test.ts) sends the documents' bytes, not a paraphrase.
 */
export interface DescribedRequest {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body?: string;
}

/**
 * Splits a command line as a POSIX shell does for the forms the documents use: single quotes
 * literal, double quotes with `\"`, `\\`, `\$`, `` \` `` and backslash-newline, a backslash-newline
 * outside quotes joining lines, adjacent quoted parts forming one word. Operators (`&`, `;`) are
 * not special: the documents print URLs with `&` unquoted, meaning the whole URL.
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const push = (s: string) => (word = (word ?? '') + s);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated single quote in ${text}`);
      push(text.slice(i + 1, end));
      i = end;
    } else if (c === '"') {
      let s = '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const n = text[i + 1];
          if (n === '\n') i++;
          else if ('"\\$`'.includes(n)) s += text[++i];
          else s += '\\';
        } else s += text[i];
      }
      if (i >= text.length) throw new Error(`unterminated double quote in ${text}`);
      push(s);
    } else if (c === '\\') {
      if (text[i + 1] !== '\n') push(text[i + 1] ?? '');
      i++;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else push(c);
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** curl's --data-urlencode: everything but the unreserved characters %-encoded. */
function curlUrlencode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The request of one documented example: a curl command (`$ curl ...`), a bare URL ("a GET to"),
 * or `METHOD /path`. `substitute` replaces placeholders in each word after shell reading.
 */
export function describedRequest(example: string, substitute: (word: string) => string): DescribedRequest {
  const words = shellWords(example.trim().replace(/^\$\s+/, '')).map(substitute);
  if (words[0] !== 'curl') {
    if (words.length === 1) return { method: 'GET', url: words[0], headers: [] };
    if (words.length === 2 && /^[A-Z]+$/.test(words[0])) return { method: words[0], url: words[1], headers: [] };
    throw new Error(`not a request: ${example}`);
  }
  let method: string | undefined;
  let url: string | undefined;
  const headers: Array<[string, string]> = [];
  const data: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === '-i' || w === '-v') continue; // output options
    if (w === '-X') method = words[++i];
    else if (w.startsWith('-H')) {
      const h = w === '-H' ? words[++i] : w.slice(2);
      const colon = h.indexOf(':');
      headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
    } else if (w === '-d' || w === '--data' || w === '--data-binary') data.push(words[++i]);
    else if (w === '--data-urlencode') {
      const v = words[++i];
      const eq = v.indexOf('=');
      data.push(eq < 0 ? curlUrlencode(v) : `${v.slice(0, eq + 1)}${curlUrlencode(v.slice(eq + 1))}`);
    } else if (w.startsWith('-')) throw new Error(`curl option ${w} is not read by this helper`);
    else url = w;
  }
  if (!url) throw new Error(`no URL in ${example}`);
  const body = data.length ? data.join('&') : undefined;
  // curl's own default for -d and --data-binary without a Content-Type header.
  if (body !== undefined && !headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  return { method: method ?? (body === undefined ? 'GET' : 'POST'), url, headers, body };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends the request as curl puts it on the wire (its header lines, the target's bytes as given,
 * UTF-8 included) to a listening server, and reads the whole answer.
 */
export async function sendAsCurl(
  port: number,
  request: { method: string; target: string; headers: Array<[string, string]>; body?: string },
): Promise<RawAnswer> {
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'User-Agent: curl/7.88.1', 'Accept: */*'];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  if (body) lines.push(`Content-Length: ${body.length}`);
  // curl keeps the connection open; closing it tells where the answer ends without parsing lengths.
  lines.push('Connection: close');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  const received = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write(body ? Buffer.concat([head, body]) : head));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
  const split = received.indexOf('\r\n\r\n');
  const [statusLine, ...headerLines] = received.subarray(0, split).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let payload = received.subarray(split + 4);
  if (headers['transfer-encoding'] === 'chunked') payload = dechunk(payload);
  return { status: Number(statusLine.split(' ')[1]), headers, body: payload.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    const size = Number.parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!size) return Buffer.concat(parts);
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
