import { randomBytes, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { badRequest, forbidden, HttpError, notFound } from '../../platform/errors.ts';
import { pinnedProduct, sessionParties } from '../../live/sessions/sessionReads.ts';
import { READ_ALL_ROLES } from '../../platform/auth/roles.ts';
import { placeOrder } from '../orders/commands/placeOrder.ts';
import { scheduleExpiry } from '../checkout/expiry.ts';
import { prepareCheckout, type CheckoutFields, type DeliveryInput } from '../checkout/checkoutFields.ts';
import { paymentProviders, type PaymentMethod } from '../checkout/paymentProviders.ts';
import { applyTransition } from '../checkout/orderTransitions.ts';
import { loadOrder } from '../checkout/orderRecord.ts';
import { assertIsBuyer } from '../orders/policies/orderAccess.ts';
import { presentOrder } from '../orders/presenters/order.ts';

/** "+1" in any of the ways people type it. */
const PLUS_ONE = /^\s*(\+|＋)\s*1\s*$|^\s*加一\s*$/u;

export const plusOneQueueKey = (prefix: string, sessionId: string) => `${prefix}:live:plus1:${sessionId}`;

/**
 * A signed-in buyer's chat "+1" (or the pinned product's name) during a live session reserves one of the
 * pinned product: the stock is taken by the same Redis step as any order, as an order awaiting checkout that
 * expires (HUB_PLUS_ONE_HOLD_SECONDS) unless the buyer chooses delivery and payment in time.
 * Returns null when the message is not a "+1".
 */
export async function plusOne(ctx: HubContext, actor: AuthUser, command: { sessionId: string; text: string }) {
  const { sessionId, text } = command;
  if (actor.role !== 'buyer') return null;
  const pinned = await pinnedProduct(ctx, sessionId);
  if (!pinned || !(PLUS_ONE.test(text) || text.trim() === pinned.name)) return null;
  const prefix = ctx.config.REDIS_PREFIX;
  const holdSeconds = ctx.config.HUB_PLUS_ONE_HOLD_SECONDS;
  const orderId = String(new Types.ObjectId());
  // Expiry first, so no reservation is ever left without one (a job without its order ends by itself).
  await scheduleExpiry(ctx, orderId, holdSeconds * 1000);
  const hold = {
    delivery: null,
    payment: null,
    pickupCode: null,
    plusOne: true,
    trackingCode: randomBytes(9).toString('base64url'),
    expiresAt: new Date(Date.now() + holdSeconds * 1000).toISOString(),
  } as unknown as CheckoutFields;
  const { order } = await placeOrder(ctx, actor, {
    productId: pinned.id,
    quantity: 1,
    sessionId,
    idempotencyKey: `plus1-${randomUUID()}`,
    orderId,
    checkout: hold,
  });
  await ctx.redis
    .multi()
    .lpush(plusOneQueueKey(prefix, sessionId), JSON.stringify({ orderId, userId: actor.id, at: new Date().toISOString() }))
    .ltrim(plusOneQueueKey(prefix, sessionId), 0, 499)
    .exec();
  const record = await loadOrder(ctx, order.id);
  return { order: presentOrder(record!, actor), product: pinned, buyerTail: actor.username.slice(-4) };
}

/** The host's queue of "+1" reservations, newest first, with their current status (the host, bureau and auditor). */
export async function plusOneQueue(ctx: HubContext, actor: AuthUser, command: { sessionId: string }) {
  const { sessionId } = command;
  const session = await sessionParties(sessionId);
  if (!session) throw notFound('Session');
  if (String(session.hostUserId) !== actor.id && !READ_ALL_ROLES.includes(actor.role)) throw forbidden('Only the host sees the "+1" queue');
  const raw = await ctx.redis.lrange(plusOneQueueKey(ctx.config.REDIS_PREFIX, sessionId), 0, 99);
  const items = [];
  for (const r of raw) {
    const { orderId, at } = JSON.parse(r) as { orderId: string; at: string };
    const order = await loadOrder(ctx, orderId);
    if (order)
      items.push({
        orderId,
        at,
        status: order.state.status,
        checkedOut: order.delivery !== null,
        buyerTail: '',
        productId: order.productId,
      });
  }
  return { items };
}

/** The buyer completes a "+1" reservation with delivery and payment; a transfer gets its payment deadline. */
export async function checkoutReservation(
  ctx: HubContext,
  actor: AuthUser,
  command: { orderId: string; delivery: DeliveryInput; payment: PaymentMethod },
) {
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
