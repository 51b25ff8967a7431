import { registerBuyer } from '../registry/users/commands/registerBuyer.ts';
import { issueSession } from './loginService.ts';
import type { HubContext } from '../platform/context.ts';
import type { AuthUser } from '../platform/auth/roles.ts';
import { SignupRateLimiter } from './signupRateLimit.ts';
import { spendProof } from './signupChallenge.ts';

/** Mainland China mobile numbers: 11 digits starting 13–19. */
export const MOBILE_PHONE = /^1[3-9]\d{9}$/;

/**
 * A member of the public becomes a `buyer`: the mobile number is the login name. Attempts are limited
 * per address and per number, and each needs a solved proof-of-work challenge (signupChallenge.ts).
 */
export async function signup(ctx: HubContext, phone: string, password: string, address: string, proof: string | undefined) {
  const { config } = ctx;
  await new SignupRateLimiter(ctx.redis, {
    prefix: config.REDIS_PREFIX,
    maxPerAddress: config.HUB_SIGNUP_MAX_PER_ADDRESS,
    maxPerPhone: config.HUB_SIGNUP_MAX_PER_PHONE,
    windowSeconds: config.HUB_SIGNUP_WINDOW_SECONDS,
  }).attempt(phone, address);
  await spendProof(ctx.redis, config.REDIS_PREFIX, config.HUB_JWT_SECRET, config.HUB_SIGNUP_POW_BITS, proof);
  const user = await registerBuyer(ctx, { phone, password, address });
  const authUser: AuthUser = { id: String(user._id), username: phone, role: 'buyer', orgId: null };
  // Through issueSession, so the new token carries the user's token version (sign-out and deactivation end it).
  const { result } = await issueSession(ctx, user);
  return {
    token: result.token,
    expiresIn: result.expiresIn,
    user: { id: authUser.id, username: phone, phone, role: 'buyer' as const, orgId: null, displayName: null },
  };
}
