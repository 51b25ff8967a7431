import type { AuthUser } from '../../platform/auth/roles.ts';
import { notFound } from '../../platform/errors.ts';
import { ClaimModel } from '../claim.model.ts';
import { assertCanReadClaim } from '../policies/claimAccess.ts';
import { presentClaim } from '../presenters/claim.ts';

export type GetClaimCommand = { claimId: string };

/** One claim with its items, trace and history, for its filer's organisation, the bureau and the auditor. */
export async function getClaim(actor: AuthUser, command: GetClaimCommand) {
  const claim = await ClaimModel.findById(command.claimId).populate<{ orgId: { _id: unknown; name: string } }>('orgId', 'name').lean();
  if (!claim) throw notFound('Claim');
  const orgName = claim.orgId?.name ?? null;
  const flat = { ...claim, orgId: claim.orgId?._id ?? claim.orgId };
  assertCanReadClaim(actor, flat);
  return presentClaim(flat, orgName);
}
