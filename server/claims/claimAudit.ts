import type { HubContext } from '../platform/context.ts';
import type { AuditEntry } from '../platform/audit/auditLog.ts';
import { recordChange, withPendingAudit } from '../platform/audit/outbox.ts';
import { ClaimModel, type ClaimDocument } from './claim.model.ts';

/** Saves a claim with the audit event of its change in the same write (the outbox), then chains the event. */
export async function saveClaimAudited(
  ctx: HubContext,
  claim: ClaimDocument,
  audit: Omit<AuditEntry, 'source' | 'at' | 'target'>,
): Promise<void> {
  const id = String(claim._id);
  await recordChange(ctx, { model: ClaimModel, id, audit: { ...audit, target: { type: 'claim', id } } }, async (entry) => {
    withPendingAudit(claim, entry);
    await claim.save();
  });
}
