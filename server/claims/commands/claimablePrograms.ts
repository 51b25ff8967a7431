import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { orgTypeOf } from '../../registry/orgs/orgReads.ts';
import { policyInForce } from '../policy/policyService.ts';
import { orgMayClaim } from '../policies/claimAccess.ts';
import type { ClaimablePrograms } from '../presenters/claimablePrograms.ts';

/**
 * The programmes the actor's organisation may file under the policy in force now: the same rule POST /claims
 * applies (claimInput.ts), so the claim form offers exactly what filing accepts. No organisation: none.
 */
export async function claimablePrograms(ctx: HubContext, actor: AuthUser): Promise<ClaimablePrograms> {
  const policy = await policyInForce(ctx);
  const org = actor.orgId ? await orgTypeOf(actor.orgId) : null;
  return {
    policyVersion: policy.version,
    orgId: org ? String(org._id) : null,
    orgType: org?.type ?? null,
    programs: org ? policy.programs.filter((rule) => orgMayClaim(rule, org.type)).map((rule) => rule.code) : [],
  };
}
