import { z } from 'zod';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { paymentProviders } from './paymentProviders.ts';
import { applyTransition } from './orderTransitions.ts';
import { loadOrder, mayRead, type OrderRecord } from './orderRecord.ts';
import type { OrderStatus } from './orderState.ts';

const ownBuyer = (order: OrderRecord, actor: AuthUser) => {
  if (order.buyerUserId !== actor.id) throw forbidden('Only the buyer of this order may do this');
};
const seller = (order: OrderRecord, actor: AuthUser) => {
  if (actor.role !== 'enterprise' || actor.orgId !== order.enterpriseId) throw forbidden('Only the selling enterprise may do this');
};
const payable = (order: OrderRecord) => ({
  id: order.id,
  enterpriseId: order.enterpriseId,
  amountFen: order.amountFen,
  status: order.state.status,
});
const needsCheckout = (order: OrderRecord) => {
  if (!order.payment)
    throw badRequest('This order was placed without delivery and payment; it has no payment to confirm', { field: 'payment' });
  return order.payment;
};

/** The seller confirms a bank transfer (with its reference): placed → paid. Two confirmations at once: one wins. */
export function confirmPayment(ctx: HubContext, actor: AuthUser, orderId: string, input: unknown) {
  return applyTransition(ctx, actor, orderId, {
    from: ['placed'],
    to: 'paid',
    check: (order) => {
      const payment = needsCheckout(order);
      if (payment.method !== 'transfer')
        throw badRequest('Cash on delivery is collected at hand-over (pick-up or delivery), not confirmed here', { field: 'payment' });
      return paymentProviders.transfer.confirm(payable(order), actor, input);
    },
  });
}

/** The buyer (before payment) or the seller (before shipping) cancels; the stock comes back. */
export function cancelOrder(ctx: HubContext, actor: AuthUser, orderId: string) {
  return applyTransition(ctx, actor, orderId, {
    from: actor.role === 'enterprise' ? ['placed', 'paid'] : ['placed'],
    to: 'cancelled',
    check: (order) => {
      if (actor.role === 'enterprise') seller(order, actor);
      else ownBuyer(order, actor);
      return { cancelledAt: new Date().toISOString() };
    },
  });
}

export const RefundRequestBody = z
  .object({ reason: z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters') })
  .strict();

/** The buyer asks for a refund after paying (or once the parcel is on its way or handed over). */
export function requestRefund(ctx: HubContext, actor: AuthUser, orderId: string, reason: string) {
  return applyTransition(ctx, actor, orderId, {
    from: ['paid', 'shipped', 'arrived', 'delivered'],
    to: 'refund_requested',
    note: reason,
    check: (order) => {
      ownBuyer(order, actor);
      needsCheckout(order);
      return { refundReason: reason, refundRequestedFrom: order.state.status };
    },
  });
}

/** The seller refunds once the goods are back (or never left): refund_requested → refunded, stock returned. */
export function refundOrder(ctx: HubContext, actor: AuthUser, orderId: string, input: unknown) {
  return applyTransition(ctx, actor, orderId, {
    from: ['refund_requested'],
    to: 'refunded',
    check: (order) => {
      seller(order, actor);
      const payment = needsCheckout(order);
      const facts = paymentProviders[payment.method].refund(payable(order), actor, input);
      // Only what was paid is refunded (cash on delivery refunded before hand-over had nothing paid).
      return { ...facts, refundedFen: Number(order.state.facts.paidFen ?? 0) };
    },
  });
}

export const RefundRejectBody = z
  .object({ reason: z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters') })
  .strict();

/**
 * The seller declines a refund request (with its reason, shown to the buyer): the order goes back to the status
 * it had when the refund was requested. Decided on the order's version as read, so a refund, a second rejection
 * or anything else in between makes this one 409 wrong_state; stock and payment are untouched.
 */
export async function rejectRefund(ctx: HubContext, actor: AuthUser, orderId: string, reason: string) {
  const order = await loadOrder(ctx.redis, ctx.config.REDIS_PREFIX, orderId);
  if (!order || !mayRead(order, actor)) throw notFound('Order');
  const back = order.state.facts.refundRequestedFrom as OrderStatus | undefined;
  if (order.state.status !== 'refund_requested' || !back) {
    throw conflict(
      `The order is ${order.state.status}: there is no refund request to decline`,
      { status: order.state.status, to: 'refund_rejected' },
      'wrong_state',
    );
  }
  return applyTransition(ctx, actor, orderId, {
    from: ['refund_requested'],
    to: back,
    note: reason,
    event: 'refund_rejected',
    expectVersion: order.state.version,
    check: (current) => {
      seller(current, actor);
      return { refundRejectedAt: new Date().toISOString(), refundRejectReason: reason, refundRequestedFrom: null };
    },
  });
}

/** The buyer confirms receipt: delivered → completed. */
export function completeOrder(ctx: HubContext, actor: AuthUser, orderId: string) {
  return applyTransition(ctx, actor, orderId, {
    from: ['delivered'],
    to: 'completed',
    check: (order) => {
      ownBuyer(order, actor);
      return { completedAt: new Date().toISOString() };
    },
  });
}
