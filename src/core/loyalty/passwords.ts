import { badRequest } from '../shared/errors.js';

/*
 * Passwords of loyalty members and Loyalty API users, hashed with the shared Argon2id helper
 * (core/shared/password-hash.ts, also used for staff members).
 */
export { hashPassword, passwordMatches } from '../shared/password-hash.js';
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
