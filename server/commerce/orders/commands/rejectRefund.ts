import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { conflict } from '../../../platform/errors.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { loadOrder } from '../../checkout/orderRecord.ts';
import type { OrderStatus } from '../../checkout/orderState.ts';
import { assertCanSeeOrder, assertIsSeller } from '../policies/orderAccess.ts';

export const RefundRejectBody = z
  .object({ reason: z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters') })
  .strict();

export type RejectRefundCommand = z.infer<typeof RefundRejectBody> & { orderId: string };

/**
 * The seller declines a refund request (with its reason, shown to the buyer): the order goes back to the status
 * it had when the refund was requested. Decided on the order's version as read, so a refund, a second rejection
 * or anything else in between makes this one 409 wrong_state; stock and payment are untouched.
 */
export async function rejectRefund(ctx: HubContext, actor: AuthUser, command: RejectRefundCommand) {
  const order = await loadOrder(ctx, command.orderId);
  assertCanSeeOrder(actor, order);
  const back = order.state.facts.refundRequestedFrom as OrderStatus | undefined;
  if (order.state.status !== 'refund_requested' || !back) {
    throw conflict(
      `The order is ${order.state.status}: there is no refund request to decline`,
      { status: order.state.status, to: 'refund_rejected' },
      'wrong_state',
    );
  }
  return applyTransition(ctx, actor, command.orderId, {
    from: ['refund_requested'],
    to: back,
    note: command.reason,
    event: 'refund_rejected',
    expectVersion: order.state.version,
    check: (current) => {
      assertIsSeller(actor, current);
      return { refundRejectedAt: new Date().toISOString(), refundRejectReason: command.reason, refundRequestedFrom: null };
    },
  });
}
