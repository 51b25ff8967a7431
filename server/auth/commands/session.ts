import { presentUser } from '../../registry/users/presenters/user.ts';
import { issueToken } from '../../platform/auth/tokens.ts';
import { LoginRateLimiter } from '../../platform/auth/loginRateLimit.ts';
import { primeUserState } from '../../platform/auth/tokenState.ts';
import type { HubContext } from '../../platform/context.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { presentSession } from '../presenters/session.ts';

/** Shared by the commands that check a password (sign-in and the password change count alike). */
export function loginLimiter(ctx: HubContext): LoginRateLimiter {
  const { config } = ctx;
  return new LoginRateLimiter(ctx.redis, {
    prefix: config.REDIS_PREFIX,
    maxFailuresPerUser: config.HUB_LOGIN_MAX_FAILURES_PER_USER,
    maxFailuresPerAddress: config.HUB_LOGIN_MAX_FAILURES_PER_ADDRESS,
    windowSeconds: config.HUB_LOGIN_WINDOW_SECONDS,
  });
}

/** The token and user a sign-in, a password change or a sign-up answers with. */
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
  return { authUser, result: presentSession(dto, token, config.HUB_TOKEN_TTL_SECONDS) };
}
