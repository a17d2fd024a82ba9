import type { FastifyInstance } from 'fastify';
import { loginApiUser } from '../../../core/loyalty/api-users.js';
import { AppError, badRequest } from '../../../core/shared/errors.js';
import type { FideltourDeps } from '../context.js';
import { bodyOf } from '../input.js';

/** POST /login/ {username, password} -> {token}: a token for an API user, alive while used (24 h idle). */
export async function loginRoutes(app: FastifyInstance, { db, credentialLimits }: FideltourDeps): Promise<void> {
  const failures = credentialLimits.failuresOf('fideltour-login');
  app.post('/login/', { schema: { tags: ['login'], summary: 'Log in an API user: a token alive while used (24 h idle)' } }, async (request) => {
    const body = bodyOf(request);
    const { username, password } = body;
    if (typeof username !== 'string' || username === '') throw badRequest('username: this field is required');
    if (typeof password !== 'string' || password === '') throw badRequest('password: this field is required');
    const locked = failures.lockout(request, username);
    if (locked) throw locked;
    const session = await loginApiUser(db, username, password);
    if (!session) {
      await failures.failed(request, username);
      throw new AppError('invalid_credentials', 400, 'Unable to log in with provided credentials.');
    }
    return { token: session.token };
  });
}
