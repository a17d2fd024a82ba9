import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake Twilio got, its form body parsed. */
export interface TwilioRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  form: Record<string, string>;
}

export interface FakeTwilio {
  /** for TWILIO_BASE_URL */
  url: string;
  requests: TwilioRequest[];
  /** the next answers, in order: an HTTP status, with a Twilio error code for a 4xx; 201 with a new sid once spent */
  answer(...answers: Array<{ status: number; code?: number }>): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for Twilio's Messages API on 127.0.0.1 (an ephemeral port): records every
 * request and answers as Twilio does, 201 with the message resource (sid, status queued), or an
 * error body {code, message, status} when told to.
 */
export async function startFakeTwilio(): Promise<FakeTwilio> {
  const requests: TwilioRequest[] = [];
  const queue: Array<{ status: number; code?: number }> = [];
  let sids = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      requests.push({ method: req.method ?? '', url: req.url ?? '/', headers: req.headers, form });
      const next = queue.shift() ?? { status: 201 };
      res.writeHead(next.status, { 'content-type': 'application/json' });
      if (next.status === 201) {
        const sid = `SM${String(++sids).padStart(32, '0')}`;
        res.end(JSON.stringify({ sid, status: 'queued', to: form.To, from: form.From, body: form.Body }));
      } else {
        res.end(JSON.stringify({ code: next.code ?? null, message: `refused (${next.status})`, status: next.status }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
