import type { HubContext } from '../../platform/context.ts';
import { issueChallenge } from '../signupChallenge.ts';

/** A proof-of-work challenge for one sign-up; no actor (the caller is not signed in). */
export function getSignupChallenge(ctx: HubContext) {
  const { config } = ctx;
  return issueChallenge(config.HUB_JWT_SECRET, config.HUB_SIGNUP_POW_BITS);
}
