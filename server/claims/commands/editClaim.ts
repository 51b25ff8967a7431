import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { badRequest } from '../../platform/errors.ts';
import { saveClaimAudited } from '../claimAudit.ts';
import { withClaimLock } from '../claimLock.ts';
import { getPolicy } from '../policy/policyService.ts';
import { assertCanChangeClaim } from '../policies/claimAccess.ts';
import { presentClaim } from '../presenters/claim.ts';
import { assertEditable, loadClaim } from './claimRecord.ts';
import { resolveClaimFields, type ClaimInput } from './claimInput.ts';

/** The whole claim as edited: items added (no id), kept or changed (with their id), dropped (left out). */
export type EditClaimCommand = { claimId: string; claim: ClaimInput };

/** Edits a draft or returned claim; items sent with their id keep their evidence. */
export async function editClaim(ctx: HubContext, actor: AuthUser, command: EditClaimCommand) {
  const { claimId, claim: input } = command;
  return withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, claimId, async () => {
    const claim = await loadClaim(claimId);
    assertCanChangeClaim(actor, claim);
    assertEditable(claim, 'editing');
    if (input.program !== claim.program)
      throw badRequest(`Invalid field "program": this claim is for ${claim.program}; file a new claim for ${input.program}`);
    const { fields } = await resolveClaimFields(actor, input, await getPolicy(claim.policyVersion), claim);
    const before = { claimedFen: claim.claimedFen, items: claim.items.length };
    claim.set(fields);
    claim.history.push({ status: claim.status, at: new Date(), by: actor.username, note: 'edited', amountFen: claim.claimedFen });
    await saveClaimAudited(ctx, claim, {
      actor,
      action: 'claim.edit',
      before,
      after: { claimedFen: claim.claimedFen ?? 0, items: claim.items.length },
    });
    return presentClaim(claim);
  });
}
