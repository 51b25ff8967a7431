import { userByUsername } from '../registry/users/userReads.ts';
import { rehashPassword } from '../registry/users/commands/rehashPassword.ts';
import { presentUser } from '../registry/users/presenters/user.ts';
import { DUMMY_HASH, needsRehash, verifyPassword } from '../platform/auth/passwords.ts';
import { issueToken } from '../platform/auth/tokens.ts';
import { LoginRateLimiter } from '../platform/auth/loginRateLimit.ts';
import { primeUserState } from '../platform/auth/tokenState.ts';
import { unauthenticated } from '../platform/errors.ts';
import { appendAudit } from '../platform/audit/auditLog.ts';
import { componentLogger } from '../platform/logger.ts';
import type { HubContext } from '../platform/context.ts';
import type { Role } from '../platform/auth/roles.ts';

const log = componentLogger('auth');

export function loginLimiter(ctx: HubContext): LoginRateLimiter {
  const { config } = ctx;
  return new LoginRateLimiter(ctx.redis, {
    prefix: config.REDIS_PREFIX,
    maxFailuresPerUser: config.HUB_LOGIN_MAX_FAILURES_PER_USER,
    maxFailuresPerAddress: config.HUB_LOGIN_MAX_FAILURES_PER_ADDRESS,
    windowSeconds: config.HUB_LOGIN_WINDOW_SECONDS,
  });
}

/** The token and user a sign-in (or a password change) answers with. */
export async function issueSession(
  ctx: HubContext,
  user: {
    _id: unknown;
    username: string;
    role: string;
    orgId?: unknown;
    displayName?: string | null;
    active?: boolean;
    tokenVersion?: number | null;
    createdAt?: Date;
  },
) {
  const { config } = ctx;
  const dto = presentUser(user as never);
  const authUser = { id: dto.id, username: dto.username, role: dto.role as Role, orgId: dto.orgId };
  const tokenVersion = user.tokenVersion ?? 0;
  await primeUserState(ctx, dto.id, { active: user.active !== false, tokenVersion });
  const token = issueToken(authUser, config.HUB_JWT_SECRET, config.HUB_TOKEN_TTL_SECONDS, tokenVersion);
  return {
    authUser,
    result: {
      token,
      expiresIn: config.HUB_TOKEN_TTL_SECONDS,
      user: { id: dto.id, username: dto.username, role: dto.role, orgId: dto.orgId, displayName: dto.displayName },
    },
  };
}

/** An old (bcrypt) hash is replaced by argon2id once the password is known; only if nobody changed it meanwhile. */
async function rehashIfNeeded(userId: unknown, oldHash: string, password: string): Promise<void> {
  if (!needsRehash(oldHash)) return;
  try {
    await rehashPassword(userId, oldHash, password);
  } catch (err) {
    log.warn({ err: String(err) }, 'password re-hash failed; kept the old hash');
  }
}

export async function login(ctx: HubContext, username: string, password: string, address: string) {
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
