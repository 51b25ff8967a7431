import { z } from 'zod';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { conflict } from '../../platform/errors.ts';
import { hubEvents } from '../../platform/events.ts';
import { isoDateTime } from '../../platform/http/schemas.ts';
import { DisbursementModel } from '../entitlements/entitlement.model.ts';
import { saveClaimAudited } from '../claimAudit.ts';
import { withClaimLock } from '../claimLock.ts';
import { presentClaim } from '../presenters/claim.ts';
import { markAwardPending, publishAward } from '../awards/publishAward.ts';
import { loadClaim, wrongState } from './claimRecord.ts';

// Treasury voucher numbers are written like 德财拨〔2020〕0123 or PZ-2020-001.
export const PaymentBody = z
  .object({
    voucherNo: z
      .string()
      .trim()
      .regex(/^[\p{L}\p{N}〔〕［］【】()（）\[\]\-·]{1,64}$/u, 'must be 1 to 64 letters, digits, brackets 〔〕 or -'),
    paidAt: isoDateTime,
  })
  .strict()
  .openapi('RecordPayment');

export type PayClaimCommand = z.infer<typeof PaymentBody> & { claimId: string };

/** Records the payment of an approved claim: one disbursement per claim, its voucher unique. */
export async function payClaim(ctx: HubContext, actor: AuthUser, command: PayClaimCommand) {
  const id = command.claimId;
  let paidEvent: { orgId: string; program: string; amountFen: number } | null = null;
  const dto = await withClaimLock(ctx.redis, ctx.config.REDIS_PREFIX, id, async () => {
    const claim = await loadClaim(id);
    if (claim.status !== 'approved') throw wrongState(claim, 'payment', ['approved']);
    const amountFen = claim.approvedFen ?? 0;
    const existing = await DisbursementModel.findOne({ claimId: claim._id }).lean();
    if (existing && existing.voucherNo !== command.voucherNo)
      throw conflict(`Claim ${id} already has payment voucher ${existing.voucherNo}`, undefined, 'wrong_state');
    if (!existing) {
      try {
        await DisbursementModel.create({
          claimId: claim._id,
          orgId: claim.orgId,
          program: claim.program,
          amountFen,
          voucherNo: command.voucherNo,
          paidAt: command.paidAt,
          recordedBy: actor.id,
        });
      } catch (err) {
        if ((err as { code?: number }).code === 11000)
          throw conflict(`Voucher ${command.voucherNo} is already recorded for another payment`, { fields: ['voucherNo'] });
        throw err;
      }
    }
    const now = new Date();
    claim.set({
      status: 'paid',
      paidFen: amountFen,
      payment: { voucherNo: command.voucherNo, paidAt: command.paidAt, recordedBy: actor.username },
    });
    claim.history.push({ status: 'paid', at: now, by: actor.username, note: `voucher ${command.voucherNo}`, amountFen });
    await markAwardPending(ctx.redis, ctx.config.REDIS_PREFIX, id);
    await saveClaimAudited(ctx, claim, {
      actor,
      action: 'claim.pay',
      before: { status: 'approved' },
      after: { status: 'paid', paidFen: amountFen, voucherNo: command.voucherNo },
    });
    await publishAward(ctx.redis, ctx.config.REDIS_PREFIX, claim);
    paidEvent = { orgId: String(claim.orgId), program: claim.program, amountFen };
    return presentClaim(claim);
  });
  if (paidEvent) {
    const e = paidEvent as { orgId: string; program: string; amountFen: number };
    hubEvents.emit('claim.paid', { claimId: id, orgId: e.orgId, program: e.program, amountFen: e.amountFen, at: command.paidAt });
  }
  return dto;
}
