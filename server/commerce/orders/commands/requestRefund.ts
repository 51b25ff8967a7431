import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { assertIsBuyer } from '../policies/orderAccess.ts';
import { needsCheckout } from './orderPayment.ts';

export const RefundRequestBody = z
  .object({ reason: z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters') })
  .strict();

export type RequestRefundCommand = z.infer<typeof RefundRequestBody> & { orderId: string };

/** The buyer asks for a refund after paying (or once the parcel is on its way or handed over). */
export function requestRefund(ctx: HubContext, actor: AuthUser, command: RequestRefundCommand) {
  return applyTransition(ctx, actor, command.orderId, {
    from: ['paid', 'shipped', 'arrived', 'delivered'],
    to: 'refund_requested',
    note: command.reason,
    check: (order) => {
      assertIsBuyer(actor, order);
      needsCheckout(order);
      return { refundReason: command.reason, refundRequestedFrom: order.state.status };
    },
  });
}
