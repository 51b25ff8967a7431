import { Types } from 'mongoose';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { HttpError } from '../../platform/errors.ts';
import { prepareCheckout, type CheckoutFields, type DeliveryInput } from './checkoutFields.ts';
import { paymentProviders, type PaymentMethod } from './paymentProviders.ts';
import { scheduleExpiry } from './expiry.ts';

const missing = (field: string, what: string) =>
  new HttpError(400, 'validation_failed', `Invalid field "${field}": a buyer's order needs ${what}`, {
    issues: [{ field: `body.${field}`, message: 'is required', code: 'invalid_type' }],
  });

/**
 * The checkout part of POST /orders: a buyer must choose delivery and payment (other roles may, as before
 * they need not). An order paid before shipping gets its expiry job before it is placed, so no accepted
 * order is ever left without one.
 */
export async function checkoutFor(
  ctx: HubContext,
  actor: AuthUser,
  delivery: DeliveryInput | undefined,
  payment: PaymentMethod | undefined,
): Promise<{ checkout?: CheckoutFields; orderId?: string }> {
  if (actor.role === 'buyer' && !delivery)
    throw missing('delivery', 'a delivery choice ({mode: "courier", address} or {mode: "station", stationOrgId})');
  if ((actor.role === 'buyer' || delivery) && !payment) throw missing('payment', 'a payment choice ("cod" or "transfer")');
  if (!delivery || !payment) {
    if (payment) throw missing('delivery', 'a delivery choice with its payment');
    return {};
  }
  const provider = paymentProviders[payment];
  const timeout = ctx.config.HUB_ORDER_PAYMENT_TIMEOUT_SECONDS;
  const checkout = await prepareCheckout(delivery, payment, timeout, provider.payBeforeShipping);
  const orderId = String(new Types.ObjectId());
  if (provider.payBeforeShipping) await scheduleExpiry(ctx, orderId, timeout * 1000);
  return { checkout, orderId };
}
