import type { Db } from '../../db/database.js';
import type { Guest, LoyaltyMember } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { findGuest } from '../guests/guests.js';
import { recordLoyaltyEvent } from './loyalty-events.js';
import { badRequest, conflict } from '../shared/errors.js';
import { normaliseEmail } from '../shared/identifiers.js';
import { sendLoyaltyEmail } from './emails.js';
import { consumeResetToken, issueFormToken, resetTokenState, type ResetState } from './reset-tokens.js';
import { setBalances, type OperationMeta } from './ledger.js';
import { findLevel, levelFor, listLevels } from './levels.js';
import { findMember, findMemberBySigninEmail, lockMember, lockEnrolledMember, updateMember } from './members.js';
import { passwordMatches } from './passwords.js';

/*
 * Enrolment and the member's credentials. The sign-in e-mail is the guest's e-mail when they
 * enrol, kept on the membership (unique within the account): a later change of the profile's
 * e-mail by another face does not change how the member signs in. Passwords arrive hashed
 * (passwords.ts): hashing is slow and runs before the transaction.
 */

/** Enrols the guest in the programme; e-mails are requested as asked. */
export async function signIn(
  trx: Db,
  accountId: number,
  guest: Guest,
  opts: { passwordHash: string; sendActivationEmail: boolean; sendWelcomeEmail: boolean; actor?: string },
  now = Date.now(),
): Promise<void> {
  const email = normaliseEmail(guest.email);
  if (!email) throw badRequest('the contact has no e-mail: set one before registering it in the loyalty programme');
  const member = await lockMember(trx, accountId, guest.id, now);
  if (member.enrolled_at !== null) throw conflict('the contact is already registered in the loyalty programme');
  const levelId = member.level_id ?? levelFor(await listLevels(trx, accountId), member.level_points);
  try {
    await updateMember(trx, accountId, guest.id, { signin_email: email, password_hash: opts.passwordHash, enrolled_at: now, level_id: levelId }, now);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('another loyalty member of this account signs in with this e-mail');
    throw err;
  }
  const enrolled = { guestId: guest.id, signinEmail: email, levelId, points: member.points, levelPoints: member.level_points };
  await recordLoyaltyEvent(trx, accountId, {
    actor: opts.actor,
    guestId: guest.id,
    key: `enrolled:${guest.id}:${now}`,
    type: 'loyalty.enrolled',
    subjects: { guestId: guest.id },
    data: { id: guest.id, ...enrolled },
    at: now,
  });
  const mail = { guest, signinEmail: email, points: member.points, levelPoints: member.level_points, actor: opts.actor };
  if (opts.sendActivationEmail) await sendLoyaltyEmail(trx, accountId, { ...mail, kind: 'activation' }, now);
  if (opts.sendWelcomeEmail) await sendLoyaltyEmail(trx, accountId, { ...mail, kind: 'welcome' }, now);
}

/** The enrolled member whose sign-in e-mail and password these are, or undefined (same time either way). */
export async function memberLogin(db: Db, accountId: number, email: string, password: string): Promise<LoyaltyMember | undefined> {
  const folded = normaliseEmail(email);
  const member = folded ? await findMemberBySigninEmail(db, accountId, folded) : undefined;
  return (await passwordMatches(member?.password_hash, password)) ? member : undefined;
}

export async function changePassword(trx: Db, accountId: number, guestId: number, passwordHash: string, now = Date.now()): Promise<void> {
  await lockEnrolledMember(trx, accountId, guestId, now);
  await updateMember(trx, accountId, guestId, { password_hash: passwordHash }, now);
}

/**
 * Sends a password-reset e-mail (a one-time link to our reset page) to the member signing in with
 * `email`; nothing when there is none (the caller answers the same either way).
 */
export async function requestPasswordReset(trx: Db, accountId: number, email: string, now = Date.now()): Promise<void> {
  const folded = normaliseEmail(email);
  if (!folded) return;
  const member = await findMemberBySigninEmail(trx, accountId, folded);
  const guest = member ? await findGuest(trx, accountId, member.guest_id) : undefined;
  if (!member || !guest) return;
  await sendLoyaltyEmail(trx, accountId, { guest, kind: 'password_reset', signinEmail: folded, points: member.points, levelPoints: member.level_points }, now);
}

/** The language of the member a reset link names, used or expired too (its page speaks it), or null. */
export async function resetLinkLanguage(db: Db, token: string, now = Date.now()): Promise<string | null> {
  const state = await resetTokenState(db, token, now);
  if (state.state === 'unknown') return null;
  return (await findGuest(db, state.accountId, state.guestId))?.language ?? null;
}

/** Opens the page of a reset link: a fresh form token when the link is valid, else why not. */
export async function openResetLink(
  trx: Db,
  token: string,
  now = Date.now(),
): Promise<{ state: 'valid'; formToken: string } | { state: Exclude<ResetState['state'], 'valid'> }> {
  const state = await resetTokenState(trx, token, now);
  if (state.state !== 'valid') return { state: state.state };
  const formToken = await issueFormToken(trx, token, now);
  return formToken ? { state: 'valid', formToken } : { state: 'unknown' };
}

/**
 * Sets the password of the member a reset link names, once: the link must be valid (not used, not
 * expired) and `formToken` the one its page issued; the member must still be enrolled. Returns
 * what happened ('done', or why not); nothing changes unless 'done'.
 */
export async function resetPasswordByLink(
  trx: Db,
  link: { token: string; formToken: string; passwordHash: string },
  now = Date.now(),
): Promise<'done' | 'refused' | Exclude<ResetState['state'], 'valid'>> {
  const state = await resetTokenState(trx, link.token, now);
  if (state.state !== 'valid') return state.state;
  const member = await findMember(trx, state.accountId, state.guestId);
  if (member?.enrolled_at === null || !member) return 'unknown';
  if (!(await consumeResetToken(trx, link.token, link.formToken, now))) return 'refused';
  await changePassword(trx, state.accountId, state.guestId, link.passwordHash, now);
  return 'done';
}

/**
 * Takes the contact out of the programme's sign-in (loyalty-reset-account): the sign-in e-mail and
 * password are cleared, so it can register again; the ledger and balances are kept.
 */
export async function resetAccount(trx: Db, accountId: number, guestId: number, now = Date.now()): Promise<void> {
  await lockEnrolledMember(trx, accountId, guestId, now);
  await updateMember(trx, accountId, guestId, { signin_email: null, password_hash: null, enrolled_at: null }, now);
}

export interface LoyaltyData {
  level?: number | null;
  points?: number;
  levelPoints?: number;
  loyaltyId?: string | null;
  loyaltyBookings?: number | null;
  loyaltyNights?: number | null;
  loyaltyLastBookingDate?: string | null;
  loyaltyCustomTagTimestamp?: string | null;
}

/**
 * loyalty-update-data: absolute balances become a ledger adjustment of the difference; an
 * explicit level is set as given (it holds until level points next cross a threshold).
 */
export async function updateLoyaltyData(trx: Db, accountId: number, guestId: number, data: LoyaltyData, meta: OperationMeta, now = Date.now()): Promise<void> {
  await lockEnrolledMember(trx, accountId, guestId, now);
  if (data.level !== undefined && data.level !== null && !(await findLevel(trx, accountId, data.level))) throw badRequest(`level: no level ${data.level}`);
  await setBalances(trx, accountId, guestId, { points: data.points, levelPoints: data.levelPoints }, meta, now);
  const set: Partial<LoyaltyMember> = {};
  if (data.loyaltyId !== undefined) set.loyalty_id = data.loyaltyId;
  if (data.loyaltyBookings !== undefined) set.loyalty_bookings = data.loyaltyBookings;
  if (data.loyaltyNights !== undefined) set.loyalty_nights = data.loyaltyNights;
  if (data.loyaltyLastBookingDate !== undefined) set.loyalty_last_booking_date = data.loyaltyLastBookingDate;
  if (data.loyaltyCustomTagTimestamp !== undefined) set.loyalty_custom_tag_timestamp = data.loyaltyCustomTagTimestamp;
  if (data.level !== undefined) {
    const member = await findMember(trx, accountId, guestId);
    if (member && member.level_id !== data.level) {
      set.level_id = data.level;
      await recordLoyaltyEvent(trx, accountId, {
        actor: meta.actor,
        guestId: guestId,
        key: `level:${guestId}:${now}`,
        type: 'loyalty.level_changed',
        subjects: { guestId },
        data: { id: guestId, guestId, previousLevelId: member.level_id, levelId: data.level, levelPoints: member.level_points },
        at: now,
      });
    }
  }
  if (Object.keys(set).length > 0) await updateMember(trx, accountId, guestId, set, now);
}
