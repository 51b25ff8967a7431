import { randomBytes, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { pinnedProduct } from '../../../live/sessions/sessionReads.ts';
import { placeOrder } from '../../orders/commands/placeOrder.ts';
import { scheduleExpiry } from '../../checkout/expiry.ts';
import type { CheckoutFields } from '../../checkout/checkoutFields.ts';
import { loadOrder } from '../../checkout/orderRecord.ts';
import { presentOrder } from '../../orders/presenters/order.ts';
import { plusOneQueueKey } from '../plusOneQueueKey.ts';
import { placesPlusOnes } from '../policies/liveSellingAccess.ts';

/** "+1" in any of the ways people type it. */
const PLUS_ONE = /^\s*(\+|＋)\s*1\s*$|^\s*加一\s*$/u;

export type PlusOneCommand = { sessionId: string; text: string };

/**
 * A signed-in buyer's chat "+1" (or the pinned product's name) during a live session reserves one of the
 * pinned product: the stock is taken by the same Redis step as any order, as an order awaiting checkout that
 * expires (HUB_PLUS_ONE_HOLD_SECONDS) unless the buyer chooses delivery and payment in time.
 * Returns null when the message is not a "+1".
 */
export async function plusOne(ctx: HubContext, actor: AuthUser, command: PlusOneCommand) {
  const { sessionId, text } = command;
  if (!placesPlusOnes(actor)) return null;
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
