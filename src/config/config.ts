import { isIP } from 'node:net';
import path from 'node:path';

/** Runtime configuration, read once from the environment and validated at start. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  publicUrl: string;
  logLevel: string;
  /** host name (lower case) -> face name, e.g. loop.hotel.test -> loop */
  faceHosts: Map<string, string>;
  bodyLimit: number;
  /** ALLOW_PRIVATE_CALLBACK_URLS: accept callback URLs on localhost and private networks (tests, labs) */
  allowPrivateCallbackUrls: boolean;
  /** GUEST_PAGE_LOOPS_PER_ADDRESS: loops the guest pages open per client address in 10 minutes */
  guestPageLoopsPerAddress: number;
  /** failed credential checks tolerated per window before 429s (src/api/http/credential-failures.ts) */
  credentialFailures: {
    /** CREDENTIAL_FAILURES_PER_ADDRESS (0: no per-address limit) */
    perAddress: number;
    /** CREDENTIAL_FAILURES_PER_CREDENTIAL (0: no per-credential limit) */
    perCredential: number;
    /** CREDENTIAL_FAILURE_WINDOW_MS */
    windowMs: number;
  };
  /** SECRET_KEY: 32 bytes sealing the secrets the server sends later; unset on SQLite: ./data/secret.key (secret-keys.ts) */
  secretKey?: Buffer;
  /** SECRET_KEY_PREVIOUS: the key before a rotation, only to open what it sealed */
  secretKeyPrevious?: Buffer;
  /**
   * REQUEST_TIMEOUT_MS: headers must arrive within it, a body may pause no longer and must average
   * 1 KiB/s over any such window; idle keep-alive connections close after 2.4 times it (limits.ts)
   */
  requestTimeoutMs: number;
  /**
   * JOB_LEASE_MS: how long a worker's claim on a job (an import, a delivery) holds without renewal;
   * a job whose worker died is taken again by any instance once it ends
   */
  jobLeaseMs: number;
  /** MAX_CONNECTIONS_PER_ADDRESS: concurrent connections from one socket address; 0: no cap */
  maxConnectionsPerAddress: number;
  /** TRUST_PROXY, in the forms Fastify's trustProxy takes: which X-Forwarded-* headers count */
  trustProxy: TrustProxy;
  /** METRICS_TOKEN: the Bearer token /metrics requires; undefined: /metrics is open */
  metricsToken: string | undefined;
  /** DATABASE_LISTEN_URL: where PostgreSQL LISTEN connects when DATABASE_URL is a transaction pooler */
  databaseListenUrl: string | undefined;
  /** ROLES: what this process runs (default all): the HTTP faces, the background job worker, realtime sockets */
  roles: ReadonlySet<Role>;
  /** SMTP_URL: where e-mail is sent (smtp:// or smtps://); unset: guest e-mails stay queued, shown as undeliverable */
  smtpUrl: string | undefined;
  /** MAIL_FROM: the From of guest e-mails (default Openstay <no-reply@the PUBLIC_URL host>) */
  mailFrom: string;
  /** TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TWILIO_BASE_URL: guest SMS; undefined: SMS stay queued, shown as undeliverable */
  twilio: TwilioConfig | undefined;
}

/** Twilio's Messages API: the account, its auth token (Basic auth and the hooks' signatures), the sender, the API base. */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** a phone number in E.164 or a Messaging Service SID (MG...) */
  from: string;
  /** default https://api.twilio.com; tests point it at a local receiver */
  baseUrl: string;
}

/** web: the faces and APIs; worker: background jobs; realtime: WebSocket connections. */
export type Role = 'web' | 'worker' | 'realtime';
export const ROLES: readonly Role[] = ['web', 'worker', 'realtime'];

/** false: no proxy; true: every hop; a number: that many hops; a list: those addresses and CIDRs */
export type TrustProxy = boolean | number | string[];

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const FACE_NAMES = ['loop', 'loopon', 'prio', 'fideltour', 'admin'];

/** Parses the environment; throws ConfigError with a one-line message on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = parsePort(env.PORT);
  const host = parseHost(env.HOST);
  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL);
  const publicUrl = parsePublicUrl(env.PUBLIC_URL, port);
  const logLevel = (env.LOG_LEVEL?.trim() || 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  }
  const faceHosts = parseFaceHosts(env.FACE_HOSTS);
  const bodyLimit = env.BODY_LIMIT ? parsePositiveInt('BODY_LIMIT', env.BODY_LIMIT) : 1024 * 1024;
  const allowPrivateCallbackUrls = parseFlag('ALLOW_PRIVATE_CALLBACK_URLS', env.ALLOW_PRIVATE_CALLBACK_URLS);
  // Generous: a generic invite link is printed in every room and hotel Wi-Fi puts every guest
  // behind one address; the limit stops a script, not a busy breakfast.
  const guestPageLoopsPerAddress = env.GUEST_PAGE_LOOPS_PER_ADDRESS ? parsePositiveInt('GUEST_PAGE_LOOPS_PER_ADDRESS', env.GUEST_PAGE_LOOPS_PER_ADDRESS) : 30;
  const credentialFailures = {
    perAddress: env.CREDENTIAL_FAILURES_PER_ADDRESS ? parseCount('CREDENTIAL_FAILURES_PER_ADDRESS', env.CREDENTIAL_FAILURES_PER_ADDRESS) : 30,
    perCredential: env.CREDENTIAL_FAILURES_PER_CREDENTIAL ? parseCount('CREDENTIAL_FAILURES_PER_CREDENTIAL', env.CREDENTIAL_FAILURES_PER_CREDENTIAL) : 10,
    windowMs: env.CREDENTIAL_FAILURE_WINDOW_MS ? parsePositiveInt('CREDENTIAL_FAILURE_WINDOW_MS', env.CREDENTIAL_FAILURE_WINDOW_MS) : 60_000,
  };
  const secretKey = parseSecretKey('SECRET_KEY', env.SECRET_KEY);
  const secretKeyPrevious = parseSecretKey('SECRET_KEY_PREVIOUS', env.SECRET_KEY_PREVIOUS);
  if (!secretKey && !databaseUrl.startsWith('sqlite:')) {
    // Several instances share a PostgreSQL database: a key file on one machine would not do.
    throw new ConfigError('SECRET_KEY is required with PostgreSQL: set the same 32-byte base64 key on every instance (e.g. `openssl rand -base64 32`)');
  }
  if (secretKeyPrevious && !secretKey) throw new ConfigError('SECRET_KEY_PREVIOUS needs SECRET_KEY (the current key) too');
  const requestTimeoutMs = env.REQUEST_TIMEOUT_MS ? parsePositiveInt('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS) : 30_000;
  // Node's timers take at most 2^31 - 1 ms (about 24 days); keep-alive is 2.4 times this figure.
  if (requestTimeoutMs > 3_600_000) throw new ConfigError(`REQUEST_TIMEOUT_MS must be at most 3600000 (one hour; got "${env.REQUEST_TIMEOUT_MS}")`);
  const jobLeaseMs = env.JOB_LEASE_MS?.trim() ? parsePositiveInt('JOB_LEASE_MS', env.JOB_LEASE_MS) : 30_000;
  // Renewed every third of it: under a second would renew faster than a busy database answers.
  if (jobLeaseMs < 1_000 || jobLeaseMs > 3_600_000) throw new ConfigError(`JOB_LEASE_MS must be from 1000 to 3600000 (got "${env.JOB_LEASE_MS}")`);
  const maxConnectionsPerAddress = env.MAX_CONNECTIONS_PER_ADDRESS?.trim()
    ? parseNonNegativeInt('MAX_CONNECTIONS_PER_ADDRESS', env.MAX_CONNECTIONS_PER_ADDRESS)
    : DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const metricsToken = parseMetricsToken(env.METRICS_TOKEN);
  const databaseListenUrl = parseDatabaseListenUrl(env.DATABASE_LISTEN_URL, databaseUrl);
  const roles = parseRoles(env.ROLES);
  const smtpUrl = parseSmtpUrl(env.SMTP_URL);
  const mailFrom = parseMailFrom(env.MAIL_FROM, publicUrl);
  const twilio = parseTwilio(env);
  return {
    port,
    host,
    databaseUrl,
    publicUrl,
    logLevel,
    faceHosts,
    bodyLimit,
    allowPrivateCallbackUrls,
    guestPageLoopsPerAddress,
    credentialFailures,
    secretKey,
    secretKeyPrevious,
    requestTimeoutMs,
    jobLeaseMs,
    maxConnectionsPerAddress,
    trustProxy,
    metricsToken,
    databaseListenUrl,
    roles,
    smtpUrl,
    mailFrom,
    twilio,
  };
}

/**
 * The Twilio variables: none set means no SMS; the account SID, auth token and sender go together
 * (one alone is a mistake, refused at start rather than found when the first SMS waits).
 */
function parseTwilio(env: NodeJS.ProcessEnv): TwilioConfig | undefined {
  const accountSid = env.TWILIO_ACCOUNT_SID?.trim() ?? '';
  const authToken = env.TWILIO_AUTH_TOKEN?.trim() ?? '';
  const from = env.TWILIO_FROM?.trim() ?? '';
  const rawBase = env.TWILIO_BASE_URL?.trim() ?? '';
  if (!accountSid && !authToken && !from) {
    if (rawBase) throw new ConfigError('TWILIO_BASE_URL needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM too');
    return undefined;
  }
  const missing = [
    ['TWILIO_ACCOUNT_SID', accountSid],
    ['TWILIO_AUTH_TOKEN', authToken],
    ['TWILIO_FROM', from],
  ].filter(([, v]) => !v);
  if (missing.length) throw new ConfigError(`SMS through Twilio needs ${missing.map(([n]) => n).join(' and ')} as well`);
  if (!/^AC[0-9A-Za-z]{8,64}$/.test(accountSid)) throw new ConfigError(`TWILIO_ACCOUNT_SID must be an account SID such as AC0123... (got "${accountSid}")`);
  if (!/^(\+[1-9][0-9]{6,14}|MG[0-9A-Za-z]{8,64})$/.test(from)) {
    throw new ConfigError(`TWILIO_FROM must be a phone number in E.164 (+46701234567) or a Messaging Service SID (MG...) (got "${from}")`);
  }
  let baseUrl = 'https://api.twilio.com';
  if (rawBase) {
    let url: URL;
    try {
      url = new URL(rawBase);
    } catch {
      throw new ConfigError(`TWILIO_BASE_URL must be an http(s) URL (got "${rawBase}")`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`TWILIO_BASE_URL must be an http(s) URL (got "${rawBase}")`);
    baseUrl = rawBase.replace(/\/+$/, '');
  }
  return { accountSid, authToken, from, baseUrl };
}

/** SMTP_URL: smtp://[user:pass@]host[:port] or smtps://...; unset or empty: no e-mail is sent. */
function parseSmtpUrl(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('SMTP_URL must be a URL such as smtp://user:password@mail.example.com:587 or smtps://...:465');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError(`SMTP_URL must start with smtp:// or smtps:// (got ${url.protocol}//)`);
  if (!url.hostname) throw new ConfigError('SMTP_URL must name the SMTP server host');
  return value;
}

/** MAIL_FROM: an address, optionally with a display name ("Hotel <stay@hotel.example>"). */
function parseMailFrom(raw: string | undefined, publicUrl: string): string {
  const value = raw?.trim();
  if (!value) return `Openstay <no-reply@${new URL(publicUrl).hostname}>`;
  const address = /<([^<>]+)>\s*$/.exec(value)?.[1] ?? value;
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address) || /[\r\n]/.test(value)) {
    throw new ConfigError(`MAIL_FROM must be an e-mail address, optionally as "Name <address>" (got "${value}")`);
  }
  return value;
}

/** ROLES=web,worker,realtime (any non-empty subset, any order); unset or empty: all three. */
function parseRoles(raw: string | undefined): ReadonlySet<Role> {
  const names = (raw ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) return new Set(ROLES);
  for (const name of names) {
    if (!ROLES.includes(name as Role)) throw new ConfigError(`ROLES must be a comma-separated list of ${ROLES.join(', ')} (got "${name}" in "${raw}")`);
  }
  return new Set(names as Role[]);
}

/** DATABASE_LISTEN_URL: a postgres:// URL, only with a PostgreSQL DATABASE_URL; unset: DATABASE_URL. */
function parseDatabaseListenUrl(raw: string | undefined, databaseUrl: string): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (databaseUrl.startsWith('sqlite:')) throw new ConfigError('DATABASE_LISTEN_URL is for PostgreSQL only (DATABASE_URL is SQLite)');
  if (!/^postgres(ql)?:\/\//.test(value)) throw new ConfigError('DATABASE_LISTEN_URL must be a postgres:// URL');
  return parseDatabaseUrl(value);
}

/** A key given as base64 (or base64url) of exactly 32 bytes; unset or empty is undefined. */
export function parseSecretKey(name: string, raw: string | undefined): Buffer | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : undefined;
  if (key?.length !== 32) {
    throw new ConfigError(`${name} must be the base64 of exactly 32 random bytes, e.g. from \`openssl rand -base64 32\` (got ${key?.length ?? 'no'} bytes)`);
  }
  return key;
}

/**
 * High on purpose: hotel Wi-Fi puts every guest behind one address, and each guest's browser keeps
 * a few keep-alive connections open for a while after a page. 256 leaves room for a full house of
 * a large hotel loading pages at once, yet one address cannot take the process's descriptors
 * (commonly 1,024 or more) for itself.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

function parseNonNegativeInt(name: string, raw: string): number {
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new ConfigError(`${name} must be a whole number, 0 or more (got "${raw}")`);
  return n;
}

/** Names proxy-addr (Fastify's trustProxy) knows for groups of addresses. */
const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** TRUST_PROXY: false (default), true, a hop count, or a comma-separated list of addresses and CIDRs. */
function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim();
  if (!value || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (!Number.isSafeInteger(hops)) throw new ConfigError(`TRUST_PROXY hop count is too large (got "${raw}")`);
    return hops === 0 ? false : hops;
  }
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!isAddressOrCidr(entry) && !TRUST_PROXY_NAMES.includes(entry.toLowerCase())) {
      throw new ConfigError(`TRUST_PROXY must be false, true, a hop count, or a comma-separated list of addresses and CIDRs (got "${entry}" in "${raw}")`);
    }
  }
  return entries.map((entry) => (TRUST_PROXY_NAMES.includes(entry.toLowerCase()) ? entry.toLowerCase() : entry));
}

/** 10.0.0.1, 10.0.0.0/8, ::1, fd00::/8 (prefix within the family's bits). */
function isAddressOrCidr(entry: string): boolean {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash < 0) return true;
  const prefix = entry.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** METRICS_TOKEN: unset or empty leaves /metrics open; a set token must be hard to guess. */
function parseMetricsToken(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (value.length < 16) throw new ConfigError('METRICS_TOKEN must be at least 16 characters (e.g. openssl rand -hex 24)');
  return value;
}

/** HOST: an IPv4 or IPv6 address, or a host name (RFC 1123 labels). */
function parseHost(raw: string | undefined): string {
  const host = raw?.trim() || '0.0.0.0';
  const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
  if (isIP(host) || (host.length <= 253 && host.split('.').every((l) => label.test(l)))) return host;
  throw new ConfigError(`HOST must be an IP address or a host name (got "${raw}")`);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 8080;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535 (got "${raw}")`);
  }
  return port;
}

function parsePositiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive integer (got "${raw}")`);
  return n;
}

/** A whole number, 0 or more (0 turns a limit off). */
function parseCount(name: string, raw: string): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > 1_000_000)
    throw new ConfigError(`${name} must be a whole number from 0 to 1000000 (got "${raw}")`);
  return n;
}

/** true/1/yes or false/0/no (any case); unset or empty is false. */
function parseFlag(name: string, raw: string | undefined): boolean {
  const value = raw?.trim().toLowerCase();
  if (!value) return false;
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

/** Normalises DATABASE_URL: unset -> sqlite:./data/openstay.db; sqlite:PATH; postgres(ql)://... */
export function parseDatabaseUrl(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) return `sqlite:${path.join('data', 'openstay.db')}`;
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) throw new ConfigError('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/openstay.db');
    return `sqlite:${file}`;
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL is not a valid postgres:// URL');
    }
    return value;
  }
  throw new ConfigError('DATABASE_URL must start with sqlite: or postgres:// (got an unsupported scheme)');
}

function parsePublicUrl(raw: string | undefined, port: number): string {
  const value = raw?.trim();
  if (!value) return `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`PUBLIC_URL must use http or https (got "${value}")`);
  }
  return value.replace(/\/+$/, '');
}

/** FACE_HOSTS=loop.hotel.test=loop,loopon.hotel.test=loopon */
function parseFaceHosts(raw: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!raw?.trim()) return map;
  for (const pair of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    const hostName = eq > 0 ? pair.slice(0, eq).trim().toLowerCase() : '';
    const face =
      eq > 0
        ? pair
            .slice(eq + 1)
            .trim()
            .toLowerCase()
        : '';
    if (!hostName || !face) throw new ConfigError(`FACE_HOSTS entries must look like host=face (got "${pair}")`);
    if (!FACE_NAMES.includes(face)) {
      throw new ConfigError(`FACE_HOSTS names unknown face "${face}" (known: ${FACE_NAMES.join(', ')})`);
    }
    map.set(hostName, face);
  }
  return map;
}
