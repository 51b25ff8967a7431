import type { HubContext } from './platform/context.ts';
import { connectPlatform } from './platform/bootstrap.ts';
import { useAccountStates } from './platform/auth/tokenState.ts';
import { ensurePolicies } from './claims/policy/policyService.ts';
import { ensureFirstBureauUser } from './registry/users/commands/ensureFirstBureauUser.ts';
import { accountState } from './registry/users/userReads.ts';

/**
 * Shared start-up of the web and worker processes: the platform's connections, the account reader its token
 * checks need (registry's), then seed data (the policies, the first bureau account). Here, not in platform/,
 * so that platform imports no component.
 */
export async function bootstrap(env: NodeJS.ProcessEnv = process.env): Promise<HubContext> {
  useAccountStates(accountState);
  const ctx = await connectPlatform(env);
  await ensurePolicies(ctx.config.HUB_FUND_TOTAL_FEN);
  await ensureFirstBureauUser(ctx);
  return ctx;
}
