import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One e-mail a test SMTP server accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** the raw message as sent */
  raw: string;
  /** the raw message with quoted-printable and encoded words undone, for reading in assertions */
  decoded: string;
  /** a header's value (first occurrence, unfolded), undefined when absent */
  header(name: string): string | undefined;
}

export interface SmtpReceiver {
  port: number;
  url: string;
  mails: ReceivedMail[];
  /** the RCPT TO replies for the next recipients: a 5xx code refuses that address for good */
  refuseNext(code: number): void;
  close(): Promise<void>;
}

/** Undoes quoted-printable (soft breaks and =XX bytes) and RFC 2047 Q/B encoded words. */
export function decodeMail(raw: string): string {
  const words = raw.replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : text.replace(/_/g, ' '),
  );
  const soft = words.replace(/=\r?\n/g, '');
  return Buffer.from(
    soft.replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

/**
 * A real SMTP server on 127.0.0.1 (smtp-server): no TLS, no authentication, every message kept.
 * `port` 0 picks a free port; a given port brings a server back where a stopped one was.
 */
export async function startSmtpServer(port = 0): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const refusals: number[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      const code = refusals.shift();
      if (code) {
        const err = Object.assign(new Error('mailbox unavailable'), { responseCode: code });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headerText = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          decoded: decodeMail(raw),
          header(name) {
            const line = headerText.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
            return line === undefined ? undefined : decodeMail(line.slice(name.length + 1).trim());
          },
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `smtp://127.0.0.1:${bound}`,
    mails,
    refuseNext: (code) => refusals.push(code),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
