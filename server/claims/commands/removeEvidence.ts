import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { notFound } from '../../platform/errors.ts';
import { saveClaimAudited } from '../claimAudit.ts';
import { withClaimLock } from '../claimLock.ts';
import { assertCanChangeClaim } from '../policies/claimAccess.ts';
import { presentClaim } from '../presenters/claim.ts';
import { assertEditable, findItem, loadClaim } from './claimRecord.ts';

export type RemoveEvidenceCommand = { claimId: string; itemId: string; fileId: string };

/** Detaches an evidence file from an item of a draft or returned claim (the stored file itself is not deleted). */
export async function removeEvidence(ctx: HubContext, actor: AuthUser, command: RemoveEvidenceCommand) {
  const { claimId: id, itemId, fileId } = command;
  return withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, id, async () => {
    const claim = await loadClaim(id);
    assertCanChangeClaim(actor, claim);
    assertEditable(claim, 'removing evidence');
    const item = findItem(claim, itemId);
    const index = item.evidence.findIndex((e) => e.fileId === fileId);
    if (index < 0) throw notFound(`Evidence file ${fileId}`);
    const [removed] = item.evidence.splice(index, 1);
    await saveClaimAudited(ctx, claim, { actor, action: 'claim.evidence.remove', before: { itemId, fileId, sha256: removed?.sha256 } });
    return presentClaim(claim);
  });
}
