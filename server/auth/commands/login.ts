import { z } from 'zod';
import '../../platform/http/openapi.ts'; // extends zod with .openapi() before the schema below uses it
import { userByUsername } from '../../registry/users/userReads.ts';
import { rehashPassword } from '../../registry/users/commands/rehashPassword.ts';
import { DUMMY_HASH, needsRehash, verifyPassword } from '../../platform/auth/passwords.ts';
import { unauthenticated } from '../../platform/errors.ts';
import { appendAudit } from '../../platform/audit/auditLog.ts';
import { componentLogger } from '../../platform/logger.ts';
import type { HubContext } from '../../platform/context.ts';
import { issueSession, loginLimiter } from './session.ts';

const log = componentLogger('auth');

export const LoginBody = z
  .object({ username: z.string().min(1, 'must not be empty').max(64), password: z.string().min(1, 'must not be empty').max(128) })
  .strict()
  .openapi('Login');
/** `address` is the caller's IP: attempts are limited per user and per address. */
export type LoginCommand = z.output<typeof LoginBody> & { address: string };

/** An old (bcrypt) hash is replaced by argon2id once the password is known; only if nobody changed it meanwhile. */
async function rehashIfNeeded(userId: unknown, oldHash: string, password: string): Promise<void> {
  if (!needsRehash(oldHash)) return;
  try {
    await rehashPassword(userId, oldHash, password);
  } catch (err) {
    log.warn({ err: String(err) }, 'password re-hash failed; kept the old hash');
  }
}

/** Sign-in; no actor yet. */
export async function login(ctx: HubContext, command: LoginCommand) {
  const { username, password, address } = command;
  const limiter = loginLimiter(ctx);
  // Counted before the password is checked, so parallel guesses cannot all get through.
  await limiter.assertAllowed(username, address);
  const user = await userByUsername(username);
  // Verify against a dummy hash when the user is unknown, so timing does not reveal which usernames exist.
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !passwordOk || user.active === false) {
    await limiter.recordFailure(username, address);
    throw unauthenticated('Wrong username or password', 'invalid_credentials');
  }
  await limiter.recordSuccess(username, address);
  await rehashIfNeeded(user._id, user.passwordHash, password);
  const { authUser, result } = await issueSession(ctx, user);
  await appendAudit({ actor: authUser, action: 'auth.login', target: { type: 'user', id: authUser.id }, after: { address } });
  return result;
}
