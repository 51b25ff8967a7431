import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { badRequest, HttpError } from '../../../platform/errors.ts';
import { scheduleExpiry } from '../../checkout/expiry.ts';
import { prepareCheckout, type DeliveryInput } from '../../checkout/checkoutFields.ts';
import { paymentProviders, type PaymentMethod } from '../../checkout/paymentProviders.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { assertIsBuyer } from '../../orders/policies/orderAccess.ts';

export type CheckoutReservationCommand = { orderId: string; delivery: DeliveryInput; payment: PaymentMethod };

/** The buyer completes a "+1" reservation with delivery and payment; a transfer gets its payment deadline. */
export async function checkoutReservation(ctx: HubContext, actor: AuthUser, command: CheckoutReservationCommand) {
  const { orderId, delivery, payment: method } = command;
  const provider = paymentProviders[method];
  const timeout = ctx.config.HUB_ORDER_PAYMENT_TIMEOUT_SECONDS;
  const fields = await prepareCheckout(delivery, method, timeout, provider.payBeforeShipping);
  if (provider.payBeforeShipping) await scheduleExpiry(ctx, orderId, timeout * 1000, 'checkout');
  return applyTransition(ctx, actor, orderId, {
    from: ['placed'],
    to: 'placed',
    note: 'checkout',
    check: (order) => {
      assertIsBuyer(actor, order, 'Only the buyer of this reservation may check it out');
      if (order.delivery) throw new HttpError(409, 'already_checked_out', 'This order already has its delivery and payment', {});
      if (!order.plusOne) throw badRequest('Not a "+1" reservation: place orders with delivery and payment');
      return {
        delivery: fields.delivery,
        payment: fields.payment,
        pickupCode: fields.pickupCode,
        expiresAt: fields.expiresAt,
        deadline: provider.payBeforeShipping ? 'checkout' : 'none',
        checkedOutAt: new Date().toISOString(),
      };
    },
  });
}
