import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { randomBytes } from './random-bytes.js';

/*
 * Secrets the server must send later (a stay callback's token now; SMTP and provider credentials
 * later) cannot be hashed like our own tokens: they are encrypted at rest with SECRET_KEY.
 *
 * A sealed value is `v1:<key id>:<nonce>:<ciphertext and tag>`, the last three base64url:
 * AES-256-GCM with a random 96-bit nonce per value; the key id (the first 6 bytes of the key's
 * SHA-256) says which key sealed it, so a value sealed before a rotation is opened with
 * SECRET_KEY_PREVIOUS while new values are always sealed with the current key.
 */

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** How many distinct unreadable values are remembered so that each is reported once. */
const REPORTED_LIMIT = 10_000;

export interface SecretKeys {
  /** 32 bytes: seals every new value, opens values it sealed */
  current: Buffer;
  /** 32 bytes: the key before a rotation, only to open values it sealed */
  previous?: Buffer;
}

export interface SecretBox {
  /** the plaintext sealed with the current key */
  seal(plaintext: string): string;
  /** the plaintext of a sealed value, or undefined when no key opens it (reported once per value) */
  open(sealed: string): string | undefined;
}

/** Why a sealed value could not be opened; the value itself is never passed on. */
export type UnreadableSecret = { keyId: string; reason: 'unknown_key' | 'malformed' | 'tampered' };

/** The id a sealed value names its key by: the first 6 bytes of SHA-256(key), base64url. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, 6).toString('base64url');
}

/** True when `value` has the shape of a sealed value (whether or not a key of ours opens it). */
export function isSealed(value: string): boolean {
  return value.startsWith(`${VERSION}:`) && value.split(':').length === 4;
}

/** A box over the keys; `onUnreadable` hears of each value no key opens, once per value. */
export function createSecretBox(keys: SecretKeys, onUnreadable: (problem: UnreadableSecret) => void = () => {}): SecretBox {
  for (const key of [keys.current, keys.previous]) {
    if (key !== undefined && key.length !== 32) throw new Error('a secret key must be 32 bytes');
  }
  const byId = new Map<string, Buffer>();
  if (keys.previous) byId.set(secretKeyId(keys.previous), keys.previous);
  const currentId = secretKeyId(keys.current);
  byId.set(currentId, keys.current);
  const reported = new Set<string>();

  const unreadable = (sealed: string, problem: UnreadableSecret): undefined => {
    if (!reported.has(sealed)) {
      if (reported.size >= REPORTED_LIMIT) reported.clear();
      reported.add(sealed);
      onUnreadable(problem);
    }
    return undefined;
  };

  return {
    seal(plaintext) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.current, nonce);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}:${currentId}:${nonce.toString('base64url')}:${body.toString('base64url')}`;
    },
    open(sealed) {
      const [version, keyId = '', nonceText, bodyText] = sealed.split(':');
      if (version !== VERSION || nonceText === undefined || bodyText === undefined) return unreadable(sealed, { keyId, reason: 'malformed' });
      const key = byId.get(keyId);
      if (!key) return unreadable(sealed, { keyId, reason: 'unknown_key' });
      const nonce = Buffer.from(nonceText, 'base64url');
      const body = Buffer.from(bodyText, 'base64url');
      if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) return unreadable(sealed, { keyId, reason: 'malformed' });
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce);
        decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
        return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        return unreadable(sealed, { keyId, reason: 'tampered' });
      }
    },
  };
}
