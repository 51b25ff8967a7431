import { z } from 'zod';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { badRequest, conflict, withParams } from '../../platform/errors.ts';
import { hubEvents } from '../../platform/events.ts';
import { fen } from '../../platform/http/schemas.ts';
import { releaseUniqueKeys } from '../../platform/uniqueKeys.ts';
import type { StationLevel } from '../../../config/policies/types.ts';
import { saveClaimAudited } from '../claimAudit.ts';
import { withClaimLock } from '../claimLock.ts';
import { claimQueues } from '../processors/queues.ts';
import { approvedSoFar, ensureLedger, stationLevelsClaimed } from '../ledgerService.ts';
import { getPolicy } from '../policy/policyService.ts';
import { programRule } from '../policy/rules.ts';
import { approvalLine, capAndTotal } from '../policy/capAndTotal.ts';
import { formatYuan } from '../money.ts';
import { assertCanReviewClaim } from '../policies/claimAccess.ts';
import { presentClaim } from '../presenters/claim.ts';
import { markAwardPending, publishAward } from '../awards/publishAward.ts';
import { loadClaim, wrongState } from './claimRecord.ts';

export const ReviewBody = z
  .object({
    decision: z.enum(['approve', 'return', 'reject']),
    note: z.string().trim().max(1000, 'must be at most 1000 characters').optional(),
    approvedFen: fen.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.decision !== 'approve' && !b.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: `is required to ${b.decision} a claim (tell the filer why)` });
    if (b.decision !== 'approve' && b.approvedFen !== undefined)
      ctx.addIssue({ code: 'custom', path: ['approvedFen'], message: 'only goes with decision "approve"' });
  })
  .openapi('ReviewClaim');

export type ReviewClaimCommand = z.infer<typeof ReviewBody> & { claimId: string };

/**
 * Bureau review. Approval asks the single-writer ledger for min(approvedFen ?? proposedFen, remaining cap), the cap
 * being capAndTotal's under the version the claim was assessed by; return and reject give any grant back.
 */
export async function reviewClaim(ctx: HubContext, actor: AuthUser, command: ReviewClaimCommand) {
  const { ledger } = claimQueues(ctx);
  const id = command.claimId;
  let approvedEvent: { amountFen: number; at: Date; orgId: string; program: string } | null = null;
  const dto = await withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, id, async () => {
    const claim = await loadClaim(id);
    assertCanReviewClaim(actor, claim);
    if (claim.status !== 'assessed') throw wrongState(claim, 'review', ['assessed']);
    const orgId = String(claim.orgId);
    const before = { status: claim.status, proposedFen: claim.proposedFen, approvedFen: claim.approvedFen };
    const now = new Date();
    if (command.decision === 'approve') {
      const proposed = claim.proposedFen ?? 0;
      if (command.approvedFen !== undefined && command.approvedFen > proposed) {
        throw withParams(
          badRequest(
            `Invalid field "approvedFen": ${command.approvedFen} is above the proposed ${proposed}; a reviewer may approve less, never more`,
          ),
          {
            reason: 'above_proposed',
            approvedFen: command.approvedFen,
            proposedFen: proposed,
          },
        );
      }
      const requested = command.approvedFen ?? proposed;
      if (requested <= 0)
        throw conflict('The proposal is ¥0.00: nothing to approve; return or reject the claim', undefined, 'nothing_to_approve');
      const rule = programRule(await getPolicy(claim.policyVersion), claim.program);
      const level = claim.level as StationLevel | null;
      const { capFen } = capAndTotal({
        rule,
        items: [],
        station: level ? { level, awarded: true } : null,
        stationLevelsClaimed: claim.program === 'service_station' ? await stationLevelsClaimed(orgId) : [],
        approvedFen: await approvedSoFar(ctx, orgId, claim.program),
      });
      // The ledger takes min(requested, cap − approved) atomically: two approvals racing for the last of a cap cannot both take it.
      let result = await ledger.grant(orgId, claim.program, id, requested, capFen);
      if (result.outcome === 'uninitialised') {
        await ensureLedger(ctx, orgId, claim.program);
        result = await ledger.grant(orgId, claim.program, id, requested, capFen);
      }
      if (result.outcome !== 'granted') {
        throw conflict(
          `The ${claim.program} cap of ${formatYuan(capFen ?? 0)} for this organisation is used up; nothing remains to approve`,
          { capFen: capFen ?? 0 },
          'cap_exhausted',
        );
      }
      const grant = result.grantFen;
      const line = approvalLine(requested, grant, proposed);
      claim.set({
        status: 'approved',
        approvedFen: grant,
        reviewedAt: now,
        reviewerId: actor.id,
        reviewNote: command.note ?? null,
        trace: [...claim.trace, line.text],
        traceKeys: [...(claim.traceKeys ?? []), line.key],
      });
      claim.history.push({ status: 'approved', at: now, by: actor.username, note: command.note ?? null, amountFen: grant });
      approvedEvent = { amountFen: grant, at: now, orgId, program: claim.program };
    } else {
      // A grant whose claim write never landed (a crash mid-approval) goes back to the cap.
      await ledger.release(orgId, claim.program, id);
      const status = command.decision === 'return' ? 'returned' : 'rejected';
      claim.set({ status, reviewedAt: now, reviewerId: actor.id, reviewNote: command.note ?? null });
      claim.history.push({ status, at: now, by: actor.username, note: command.note ?? null, amountFen: null });
      // A rejected claim no longer holds its invoices, files, purchases or station place.
      if (status === 'rejected') await releaseUniqueKeys(id);
    }
    if (approvedEvent) await markAwardPending(ctx.redis, ctx.config.REDIS_PREFIX, id);
    await saveClaimAudited(ctx, claim, {
      actor,
      action: `claim.${command.decision}`,
      before,
      after: { status: claim.status, approvedFen: claim.approvedFen ?? null, note: command.note ?? null },
    });
    if (approvedEvent) await publishAward(ctx.redis, ctx.config.REDIS_PREFIX, claim);
    return presentClaim(claim);
  });
  if (approvedEvent) {
    const e = approvedEvent as { amountFen: number; at: Date; orgId: string; program: string };
    hubEvents.emit('claim.approved', { claimId: id, orgId: e.orgId, program: e.program, amountFen: e.amountFen, at: e.at });
  }
  return dto;
}
