import { hash, verify } from '@node-rs/argon2';
import { badRequest } from '../shared/errors.js';

/*
 * Passwords of loyalty members and Loyalty API users: Argon2id at OWASP's minimum parameters
 * (m = 19 MiB, t = 2, p = 1). Only the encoded hash is stored; nothing returns it.
 */
const ARGON2ID = 2; // Algorithm.Argon2id (a const enum the native compiler cannot read from a .d.ts)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 6;
export const PASSWORD_MAX_LENGTH = 128;

/** The password as accepted: a string of 6 to 128 characters (a 400 otherwise, naming the field). */
export function checkPassword(value: unknown, field = 'password'): string {
  if (typeof value !== 'string') throw badRequest(`${field}: this field is required and must be a string`);
  if (value.length < PASSWORD_MIN_LENGTH || value.length > PASSWORD_MAX_LENGTH) {
    throw badRequest(`${field}: must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
  }
  return value;
}

/** The Argon2id hash of a password, in the PHC string format. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS as never);
}

/** A hash of a random value, compared against when there is no stored hash: a miss costs as long as a hit. */
let decoy: Promise<string> | undefined;

/** Whether `password` matches the stored hash; with no hash, the same work is done and false returned. */
export async function passwordMatches(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hashPassword(`decoy-${Math.random()}`);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
