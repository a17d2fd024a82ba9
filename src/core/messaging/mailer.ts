import nodemailer from 'nodemailer';

/*
 * E-mail over SMTP through nodemailer (SMTP_URL, e.g. smtp://user:pass@mail.example.com:587 or
 * smtps://...:465). One transport per process; each message carries its List-Unsubscribe header
 * with RFC 8058 one-click (List-Unsubscribe-Post), so a mail client's unsubscribe button posts to
 * our page without the guest opening it.
 */

export interface OutgoingEmail {
  from: string;
  /** the account's Reply-To, when it set one */
  replyTo?: string;
  /** the SMTP envelope sender (MAIL FROM) when it is not `from`'s address: MAIL_FROM's, under an account's own From */
  envelopeFrom?: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  unsubscribeUrl: string;
  /** stable per message: a receiver seeing a retry can tell it is the same e-mail */
  messageId: string;
}

export interface Mailer {
  send(mail: OutgoingEmail): Promise<void>;
  close(): void;
}

/** An SMTP failure the server refused for good (a 5xx reply): the address is not tried again. */
export function isPermanentRefusal(err: unknown): boolean {
  const code = (err as { responseCode?: number })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * A mailer over `smtpUrl`. With `pool`, up to that many SMTP connections are kept open and reused
 * (the server's worker: many e-mails in a row); close() ends them. Query parameters of the URL
 * (nodemailer's: ?pool=false, ?tls.rejectUnauthorized=false...) take precedence.
 */
export function createMailer(smtpUrl: string, opts: { timeoutMs?: number; pool?: number } = {}): Mailer {
  const timeout = opts.timeoutMs ?? 15_000;
  const pooling = opts.pool ? { pool: true, maxConnections: opts.pool } : {};
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...pooling,
  } as never);
  return {
    async send(mail) {
      await transport.sendMail({
        from: mail.from,
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        ...(mail.envelopeFrom ? { envelope: { from: mail.envelopeFrom, to: mail.to } } : {}),
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: mail.messageId,
        list: { unsubscribe: mail.unsubscribeUrl },
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
    },
    close() {
      transport.close();
    },
  };
}
