import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { badRequest } from '../../../platform/errors.ts';
import { paymentProviders } from '../../checkout/paymentProviders.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { assertIsSeller } from '../policies/orderAccess.ts';
import { needsCheckout, payable } from './orderPayment.ts';

/** A payment provider's reference (the bank transfer's); the provider validates what it needs. */
export const PaymentReferenceBody = z.object({ reference: z.string().optional() }).passthrough();

export type ConfirmPaymentCommand = z.infer<typeof PaymentReferenceBody> & { orderId: string };

/** The seller confirms a bank transfer (with its reference): placed → paid. Two confirmations at once: one wins. */
export function confirmPayment(ctx: HubContext, actor: AuthUser, command: ConfirmPaymentCommand) {
  const { orderId, ...input } = command;
  return applyTransition(ctx, actor, orderId, {
    from: ['placed'],
    to: 'paid',
    check: (order) => {
      assertIsSeller(actor, order);
      const payment = needsCheckout(order);
      if (payment.method !== 'transfer')
        throw badRequest('Cash on delivery is collected at hand-over (pick-up or delivery), not confirmed here', { field: 'payment' });
      return paymentProviders.transfer.confirm(payable(order), actor, input);
    },
  });
}
