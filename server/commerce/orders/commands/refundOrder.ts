import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { paymentProviders } from '../../checkout/paymentProviders.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { assertIsSeller } from '../policies/orderAccess.ts';
import type { ConfirmPaymentCommand } from './confirmPayment.ts';
import { needsCheckout, payable } from './orderPayment.ts';

/** The provider's refund reference, as for a payment (PaymentReferenceBody). */
export type RefundOrderCommand = ConfirmPaymentCommand;

/** The seller refunds once the goods are back (or never left): refund_requested → refunded, stock returned. */
export function refundOrder(ctx: HubContext, actor: AuthUser, command: RefundOrderCommand) {
  const { orderId, ...input } = command;
  return applyTransition(ctx, actor, orderId, {
    from: ['refund_requested'],
    to: 'refunded',
    check: (order) => {
      assertIsSeller(actor, order);
      const payment = needsCheckout(order);
      const facts = paymentProviders[payment.method].refund(payable(order), actor, input);
      // Only what was paid is refunded (cash on delivery refunded before hand-over had nothing paid).
      return { ...facts, refundedFen: Number(order.state.facts.paidFen ?? 0) };
    },
  });
}
