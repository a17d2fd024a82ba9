import type { Config } from '../config/config.js';
import type { CredentialKind } from '../core/accounts/credentials.js';

/** The faces whose account credential `account token --face` replaces (later faces add theirs). */
export const CREDENTIAL_FACES: readonly CredentialKind[] = ['admin', 'loop'];

/**
 * A face's credential as `account create --json` prints it (and `account token --json` after
 * it): the base URL a client configures and the token under the name that face reads it by.
 */
export function faceCredentialJson(config: Config, face: 'admin', token: string): { admin: { baseUrl: string; token: string } };
export function faceCredentialJson(config: Config, face: 'loop', token: string): { loop: { baseUrl: string; authToken: string } };
export function faceCredentialJson(config: Config, face: CredentialKind, token: string): Record<string, Record<string, string>>;
export function faceCredentialJson(config: Config, face: CredentialKind, token: string): Record<string, Record<string, string>> {
  if (face === 'admin') return { admin: { baseUrl: `${config.publicUrl}/admin/v1`, token } };
  return { loop: { baseUrl: `${config.publicUrl}/loop`, authToken: token } };
}

/** The human line that shows how a face's credential is used. */
export function faceCredentialLine(config: Config, face: CredentialKind, token: string): string {
  if (face === 'admin') return `admin API:  ${config.publicUrl}/admin/v1   Authorization: Bearer ${token}`;
  return `Loop API:   ${config.publicUrl}/loop/api/v1/...?authToken=${token}`;
}
