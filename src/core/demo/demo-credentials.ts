import type { Db } from '../../db/database.js';
import { accountIdForToken, issueCredential, revokeCredentials } from '../accounts/credentials.js';
import { listOauthClients, revokeOauthClient } from '../accounts/oauth.js';
import type { SecretBox } from '../shared/secret-box.js';
import { createDemoLooponClient } from './demo-loopon-client.js';
import { createDemoPrioClient } from './demo-prio-client.js';
import type { LooponDemo } from './seed-loopon-demo.js';
import { provisionLoyaltyAccess } from '../loyalty/provision.js';
import { createStaff, hashStaffPassword, staffByEmail, storeStaffPasswordHash } from '../accounts/staff.js';
import { closeOtherStaffSessions } from '../accounts/staff-sessions.js';
import { passwordMatches } from '../shared/password-hash.js';
import { randomToken } from '../shared/tokens.js';

/*
 * `openstay demo` prints the same working credentials on every run (README's Try it section runs it
 * more than once): they are kept sealed with SECRET_KEY in demo_secrets, and shown again while they
 * still work. `--rotate` revokes them (and every other admin, Loop and Loyalty token of the demo account)
 * and issues fresh ones, the demo owner's console password included.
 */

export interface DemoCredentials {
  adminToken: string;
  loopToken: string;
  clientId: string;
  clientSecret: string;
  /** the Contacts API (prio) client */
  contactsClientId: string;
  contactsClientSecret: string;
  /** the Loyalty face's static token and its API user (POST /login/) */
  loyaltyToken: string;
  loyaltyUsername: string;
  loyaltyPassword: string;
  /** the console's sign-in of the demo owner (a staff member with role owner) */
  consoleEmail: string;
  consolePassword: string;
}

/** What the demo's clients of the Loopon and Contacts faces are granted (the faces' scopes), and the guest the Contacts examples name. */
export interface DemoFaces {
  looponUnits: LooponDemo;
  looponScopes: readonly string[];
  prioScopes: readonly string[];
  /** the key source under which the Contacts face keeps contact uids, and the guest of the document's example uid */
  prioUidSource: string;
  prioExampleGuestId: number;
}

/** The Loyalty face's API user of the demo account. */
export const DEMO_LOYALTY_USERNAME = 'demo-loyalty';
/** The demo owner who signs in to the console. */
export const DEMO_OWNER_EMAIL = 'owner@demo.openstay.test';

const FIELDS: (keyof DemoCredentials)[] = [
  'adminToken',
  'loopToken',
  'clientId',
  'clientSecret',
  'contactsClientId',
  'contactsClientSecret',
  'loyaltyToken',
  'loyaltyUsername',
  'loyaltyPassword',
  'consoleEmail',
  'consolePassword',
];

function parse(plaintext: string | undefined): DemoCredentials | undefined {
  if (!plaintext) return undefined;
  try {
    const v = JSON.parse(plaintext) as Partial<DemoCredentials>;
    // Credentials kept by an older build lack the later faces' keys: issued afresh then.
    return FIELDS.every((field) => typeof v[field] === 'string' && v[field]) ? (v as DemoCredentials) : undefined;
  } catch {
    return undefined;
  }
}

async function stillWork(db: Db, accountId: number, c: DemoCredentials): Promise<boolean> {
  if ((await accountIdForToken(db, 'admin', c.adminToken)) !== accountId) return false;
  if ((await accountIdForToken(db, 'loop', c.loopToken)) !== accountId) return false;
  if ((await accountIdForToken(db, 'loyalty', c.loyaltyToken)) !== accountId) return false;
  const clients = await listOauthClients(db, accountId);
  const live = (clientId: string) => clients.some((client) => client.client_id === clientId && client.revoked_at === null);
  if (!live(c.clientId) || !live(c.contactsClientId)) return false;
  const owner = await staffByEmail(db, c.consoleEmail);
  return owner?.staff.accountId === accountId && (await passwordMatches(owner.passwordHash, c.consolePassword));
}

/**
 * The demo owner with a fresh password (only its hash is kept): made the first time, found again
 * after; its sessions end, so a rotated password signs every browser out.
 */
async function demoOwner(db: Db, accountId: number): Promise<{ consoleEmail: string; consolePassword: string }> {
  const consolePassword = randomToken(20);
  const found = await staffByEmail(db, DEMO_OWNER_EMAIL);
  if (found && found.staff.accountId !== accountId) throw new Error(`the console e-mail ${DEMO_OWNER_EMAIL} belongs to another account`);
  const owner = found?.staff ?? (await createStaff(db, accountId, { email: DEMO_OWNER_EMAIL, name: 'Demo owner', role: 'owner' }, 'admin'));
  await storeStaffPasswordHash(db, accountId, owner.id, await hashStaffPassword(consolePassword));
  await closeOtherStaffSessions(db, accountId, owner.id);
  return { consoleEmail: DEMO_OWNER_EMAIL, consolePassword };
}

/** The demo's credentials: those kept from an earlier run while they work, else (or with `rotate`) fresh ones. */
export async function demoCredentials(db: Db, box: SecretBox, accountId: number, faces: DemoFaces, rotate = false): Promise<DemoCredentials> {
  const row = await db.selectFrom('demo_secrets').select('sealed').where('account_id', '=', accountId).executeTakeFirst();
  const kept = parse(row ? box.open(row.sealed) : undefined);
  if (kept && !rotate && (await stillWork(db, accountId, kept))) return kept;
  if (rotate) {
    await revokeCredentials(db, accountId, 'admin');
    await revokeCredentials(db, accountId, 'loop');
    await revokeCredentials(db, accountId, 'loyalty');
    if (kept) {
      await revokeOauthClient(db, accountId, kept.clientId);
      await revokeOauthClient(db, accountId, kept.contactsClientId);
    }
  }
  const adminToken = await issueCredential(db, accountId, 'admin', 'openstay demo');
  const loopToken = await issueCredential(db, accountId, 'loop', 'openstay demo');
  const { clientId, clientSecret } = await createDemoLooponClient(db, accountId, faces.looponUnits, faces.looponScopes);
  const contacts = await createDemoPrioClient(db, accountId, faces.prioExampleGuestId, faces.prioScopes, faces.prioUidSource);
  // A new password for the API user (only its hash is kept) and a new static token.
  const loyalty = await provisionLoyaltyAccess(db, accountId, DEMO_LOYALTY_USERNAME);
  const owner = await demoOwner(db, accountId);
  const fresh: DemoCredentials = {
    adminToken,
    loopToken,
    clientId,
    clientSecret,
    contactsClientId: contacts.clientId,
    contactsClientSecret: contacts.clientSecret,
    loyaltyToken: loyalty.token,
    loyaltyUsername: loyalty.username,
    loyaltyPassword: loyalty.password,
    ...owner,
  };
  const sealed = box.seal(JSON.stringify(fresh));
  const now = Date.now();
  await db
    .insertInto('demo_secrets')
    .values({ account_id: accountId, sealed, updated_at: now })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ sealed, updated_at: now }))
    .execute();
  return fresh;
}
