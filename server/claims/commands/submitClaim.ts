import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { conflict } from '../../platform/errors.ts';
import { hubEvents } from '../../platform/events.ts';
import { saveClaimAudited } from '../claimAudit.ts';
import { withClaimLock } from '../claimLock.ts';
import { enqueueAssessment } from '../processors/queues.ts';
import { assertCanChangeClaim } from '../policies/claimAccess.ts';
import { presentClaim } from '../presenters/claim.ts';
import { assertEditable, loadClaim } from './claimRecord.ts';

export type SubmitClaimCommand = { claimId: string };

/** Submits (or resubmits) a claim: bumps its revision and enqueues the assessment. */
export async function submitClaim(ctx: HubContext, actor: AuthUser, command: SubmitClaimCommand) {
  const dto = await withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, command.claimId, async () => {
    const claim = await loadClaim(command.claimId);
    assertCanChangeClaim(actor, claim);
    assertEditable(claim, 'submission');
    if (claim.program !== 'service_station' && claim.items.length === 0)
      throw conflict('A claim needs at least one item before submission', undefined, 'wrong_state');
    const before = { status: claim.status, revision: claim.revision };
    const now = new Date();
    claim.set({
      status: 'submitted',
      revision: claim.revision + 1,
      submittedAt: now,
      eligibleFen: null,
      proposedFen: null,
      trace: [],
      traceKeys: [],
    });
    claim.history.push({
      status: 'submitted',
      at: now,
      by: actor.username,
      note: before.status === 'returned' ? 'resubmitted after correction' : null,
      amountFen: claim.claimedFen,
    });
    await saveClaimAudited(ctx, claim, { actor, action: 'claim.submit', before, after: { status: 'submitted', revision: claim.revision } });
    return presentClaim(claim);
  });
  // After the write: if enqueueing fails the claim stays submitted and the maintenance sweep enqueues it.
  await enqueueAssessment(ctx, dto.id, dto.revision, 'submit');
  hubEvents.emit('claim.submitted', { claimId: dto.id, orgId: dto.orgId, program: dto.program });
  return { id: dto.id, status: dto.status, revision: dto.revision };
}
