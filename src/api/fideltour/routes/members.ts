import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findGuest } from '../../../core/guests/guests.js';
import { findLoyaltyContact } from '../../../core/loyalty/contacts.js';
import { changePassword, memberLogin, requestPasswordReset, resetAccount, signIn, updateLoyaltyData } from '../../../core/loyalty/membership.js';
import { checkPassword, hashPassword } from '../../../core/loyalty/passwords.js';
import { MAX_POINTS } from '../../../core/loyalty/points-limit.js';
import { AppError, badRequest, notFound } from '../../../core/shared/errors.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import type { CredentialFailures } from '../../http/credential-failures.js';
import type { FideltourDeps } from '../context.js';
import { bodyOf, optionalBoolean, optionalDate, optionalInteger, optionalString, pathId } from '../input.js';
import { presentContact } from '../presenters.js';

const actorOf = (request: FastifyRequest) => (request.loyaltyCaller.userId ? `loyalty-user:${request.loyaltyCaller.userId}` : 'loyalty-token');

/** The loyalty programme side of a contact: enrol, log in, passwords, loyalty data. */
export async function memberRoutes(
  app: FastifyInstance,
  { db, memberLoginFailures: loginFailures }: FideltourDeps & { memberLoginFailures: CredentialFailures },
): Promise<void> {
  const answerContact = async (accountId: number, guestId: number) => {
    const contact = await findLoyaltyContact(db, accountId, guestId);
    if (!contact) throw notFound('contact');
    return presentContact(contact);
  };
  const contactOf = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const guest = await findGuest(db, request.loyaltyCaller.accountId, pathId(request.params.id, 'contact'));
    if (!guest) throw notFound('contact');
    return guest;
  };

  app.post<{ Params: { id: string } }>(
    '/contacts/:id/loyalty-sign-in/',
    { schema: { tags: ['members'], summary: 'Register a contact in the loyalty programme' } },
    async (request, reply) => {
      const body = bodyOf(request);
      const password = checkPassword(body.password);
      const sendActivationEmail = optionalBoolean(body, 'send_activation_email') ?? false;
      const sendWelcomeEmail = optionalBoolean(body, 'send_welcome_email') ?? false;
      const guest = await contactOf(request);
      const passwordHash = await hashPassword(password);
      const { accountId } = request.loyaltyCaller;
      await inWriteTransaction(db, (trx) => signIn(trx, accountId, guest, { passwordHash, sendActivationEmail, sendWelcomeEmail, actor: actorOf(request) }));
      return reply.status(201).send(await answerContact(accountId, guest.id));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/contacts/:id/loyalty-update-data/',
    { schema: { tags: ['members'], summary: 'Update the loyalty data of a contact (absolute points become a ledger adjustment)' } },
    async (request) => {
      const body = bodyOf(request);
      const data = {
        level: optionalInteger(body, 'level', { min: 1 }),
        points: optionalInteger(body, 'points', { min: 0, max: MAX_POINTS }) ?? undefined,
        levelPoints: optionalInteger(body, 'level_points', { min: 0, max: MAX_POINTS }) ?? undefined,
        loyaltyId: optionalString(body, 'loyalty_id'),
        loyaltyBookings: optionalInteger(body, 'loyalty_bookings', { min: 0 }),
        loyaltyNights: optionalInteger(body, 'loyalty_nights', { min: 0 }),
        loyaltyLastBookingDate: optionalDate(body, 'loyalty_last_booking_date'),
        loyaltyCustomTagTimestamp: optionalString(body, 'loyalty_custom_tag_timestamp', 40),
      };
      const guest = await contactOf(request);
      const { accountId, userId } = request.loyaltyCaller;
      await inWriteTransaction(db, (trx) =>
        updateLoyaltyData(trx, accountId, guest.id, data, { concept: 'loyalty-update-data', managerId: userId, actor: actorOf(request) }),
      );
      return answerContact(accountId, guest.id);
    },
  );

  app.post('/contacts/loyalty-login/', { schema: { tags: ['members'], summary: 'Log a member in by e-mail and password' } }, async (request) => {
    const body = bodyOf(request);
    const email = optionalString(body, 'email', 254);
    if (!email) throw badRequest('email: this field is required');
    if (typeof body.password !== 'string' || body.password === '') throw badRequest('password: this field is required');
    const { accountId } = request.loyaltyCaller;
    // Attempts are limited per member (the account's e-mail) and per address.
    const credential = `${accountId}:${email.toLowerCase()}`;
    const locked = loginFailures.lockout(request, credential);
    if (locked) throw locked;
    const member = await memberLogin(db, accountId, email, body.password);
    if (!member) {
      await loginFailures.failed(request, credential);
      throw new AppError('invalid_credentials', 400, 'Unable to log in with provided credentials.');
    }
    return answerContact(accountId, member.guest_id);
  });

  app.post(
    '/contacts/loyalty-reset-password/',
    { schema: { tags: ['members'], summary: 'Ask for a password reset e-mail (same answer for unknown e-mails)' } },
    async (request) => {
      const email = optionalString(bodyOf(request), 'email', 254);
      if (!email) throw badRequest('email: this field is required');
      const { accountId } = request.loyaltyCaller;
      await inWriteTransaction(db, (trx) => requestPasswordReset(trx, accountId, email));
      // The same answer whether or not a member signs in with this e-mail.
      return { detail: 'If a loyalty member signs in with this e-mail, a message to reset the password has been sent.' };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/contacts/:id/loyalty-change-password/',
    { schema: { tags: ['members'], summary: 'Change the password of a member' } },
    async (request) => {
      const password = checkPassword(bodyOf(request).new_password, 'new_password');
      const guest = await contactOf(request);
      const passwordHash = await hashPassword(password);
      const { accountId } = request.loyaltyCaller;
      await inWriteTransaction(db, (trx) => changePassword(trx, accountId, guest.id, passwordHash));
      return answerContact(accountId, guest.id);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/contacts/:id/loyalty-reset-account/',
    { schema: { tags: ['members'], summary: 'Take a contact out of the sign-in (ledger kept)' } },
    async (request) => {
      const guest = await contactOf(request);
      const { accountId } = request.loyaltyCaller;
      await inWriteTransaction(db, (trx) => resetAccount(trx, accountId, guest.id));
      return answerContact(accountId, guest.id);
    },
  );
}
