import { z } from 'zod';
import '../../platform/http/openapi.ts'; // extends zod with .openapi() before the schema below uses it
import { registerBuyer } from '../../registry/users/commands/registerBuyer.ts';
import type { HubContext } from '../../platform/context.ts';
import { SignupRateLimiter } from '../signupRateLimit.ts';
import { spendProof } from '../signupChallenge.ts';
import { presentSignup } from '../presenters/session.ts';
import { issueSession } from './session.ts';

/** Mainland China mobile numbers: 11 digits starting 13–19. */
export const MOBILE_PHONE = /^1[3-9]\d{9}$/;

export const SignupBody = z
  .object({
    phone: z.string().regex(MOBILE_PHONE, 'must be an 11-digit mainland mobile number (1xxxxxxxxxx)'),
    password: z.string().min(8, 'must be at least 8 characters').max(128, 'must be at most 128 characters'),
  })
  .strict()
  .openapi('Signup');
/** `address` is the caller's IP (rate limits); `proof` the Signup-Proof header. */
export type SignupCommand = z.output<typeof SignupBody> & { address: string; proof: string | undefined };

/**
 * A member of the public becomes a `buyer`: the mobile number is the login name. Attempts are limited
 * per address and per number, and each needs a solved proof-of-work challenge (signupChallenge.ts).
 */
export async function signup(ctx: HubContext, command: SignupCommand) {
  const { phone, password, address, proof } = command;
  const { config } = ctx;
  await new SignupRateLimiter(ctx.redis, {
    prefix: config.REDIS_PREFIX,
    maxPerAddress: config.HUB_SIGNUP_MAX_PER_ADDRESS,
    maxPerPhone: config.HUB_SIGNUP_MAX_PER_PHONE,
    windowSeconds: config.HUB_SIGNUP_WINDOW_SECONDS,
  }).attempt(phone, address);
  await spendProof(ctx.redis, config.REDIS_PREFIX, config.HUB_JWT_SECRET, config.HUB_SIGNUP_POW_BITS, proof);
  const user = await registerBuyer(ctx, { phone, password, address });
  // Through issueSession, so the new token carries the user's token version (sign-out and deactivation end it).
  const { result } = await issueSession(ctx, user);
  return presentSignup(result, String(user._id), phone);
}
