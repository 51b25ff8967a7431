import { UserModel, userDto } from '../registry/users/user.model.ts';
import { DUMMY_HASH, verifyPassword } from '../platform/auth/passwords.ts';
import { issueToken } from '../platform/auth/tokens.ts';
import { LoginRateLimiter } from '../platform/auth/loginRateLimit.ts';
import { unauthenticated } from '../platform/errors.ts';
import { appendAudit } from '../platform/audit/auditLog.ts';
import type { HubContext } from '../platform/context.ts';
import type { Role } from '../platform/auth/roles.ts';

export async function login(ctx: HubContext, username: string, password: string, address: string) {
  const { config } = ctx;
  const limiter = new LoginRateLimiter(ctx.redis, {
    prefix: config.REDIS_PREFIX,
    maxFailuresPerUser: config.HUB_LOGIN_MAX_FAILURES_PER_USER,
    maxFailuresPerAddress: config.HUB_LOGIN_MAX_FAILURES_PER_ADDRESS,
    windowSeconds: config.HUB_LOGIN_WINDOW_SECONDS,
  });
  await limiter.assertAllowed(username, address);
  const user = await UserModel.findOne({ username }).lean();
  // Compare against a dummy hash when the user is unknown, so timing does not reveal which usernames exist.
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !passwordOk || !user.active) {
    await limiter.recordFailure(username, address);
    throw unauthenticated('Wrong username or password');
  }
  await limiter.recordSuccess(username);
  const dto = userDto(user);
  const authUser = { id: dto.id, username: dto.username, role: dto.role as Role, orgId: dto.orgId };
  const token = issueToken(authUser, config.HUB_JWT_SECRET, config.HUB_TOKEN_TTL_SECONDS);
  await appendAudit({ actor: authUser, action: 'auth.login', target: { type: 'user', id: dto.id }, after: { address } });
  return {
    token,
    expiresIn: config.HUB_TOKEN_TTL_SECONDS,
    user: { id: dto.id, username: dto.username, role: dto.role, orgId: dto.orgId, displayName: dto.displayName },
  };
}
