import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SecretKeys } from '../core/shared/secret-box.js';
import { ConfigError, parseSecretKey, type Config } from './config.js';

/** Where the key of an SQLite installation without SECRET_KEY lives: beside the database file. */
export function secretKeyFile(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;
  const file = databaseUrl.slice('sqlite:'.length);
  if (file === ':memory:') return undefined;
  return path.join(path.dirname(path.resolve(file)), 'secret.key');
}

/**
 * The keys that seal stored secrets. SECRET_KEY when set (config.ts requires it on PostgreSQL);
 * else, on SQLite, the key in secret.key beside the database file, created (mode 0600) on first
 * use so that `npm ci && npm start` works. The server and the CLI both come here, so both read the
 * same key. A database in memory gets a key that lives as long as the process.
 */
export function resolveSecretKeys(config: Config): SecretKeys {
  if (config.secretKey) return { current: config.secretKey, previous: config.secretKeyPrevious };
  const file = secretKeyFile(config.databaseUrl);
  if (!file) return { current: randomBytes(32) };
  return { current: readOrCreateKeyFile(file) };
}

function readOrCreateKeyFile(file: string): Buffer {
  try {
    return readKeyFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // 'wx': created only if absent, so a server and a CLI starting together cannot write two keys.
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    fs.chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readKeyFile(file);
}

function readKeyFile(file: string): Buffer {
  const text = fs.readFileSync(file, 'utf8');
  let key: Buffer | undefined;
  try {
    key = parseSecretKey(file, text);
  } catch {
    key = undefined;
  }
  if (!key) throw new ConfigError(`${file} must hold the base64 of exactly 32 bytes (the key of the secrets stored in the database; do not lose it)`);
  return key;
}
