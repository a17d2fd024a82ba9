import { hash, verify } from '@node-rs/argon2';

/*
 * Password hashing shared by every module that keeps passwords (loyalty members and Loyalty API
 * users, staff members): Argon2id at OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1). Only
 * the encoded hash is stored; nothing returns it.
 */
const ARGON2ID = 2; // Algorithm.Argon2id (a const enum the native compiler cannot read from a .d.ts)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

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
