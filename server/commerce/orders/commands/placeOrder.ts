import { z } from 'zod';
import { Types } from 'mongoose';
import { OrderModel } from '../order.model.ts';
import { ProductModel } from '../../products/product.model.ts';
import { liveStatusKey, sessionStatus } from '../../../live/sessions/sessionReads.ts';
import { ordersRefused } from '../../../live/sessions/policies/sessionAccess.ts';
import { rebuildStockCounter, reserveStock, unsavedOrdersKey } from '../stockLedger.ts';
import type { QueuedOrder } from '../orderPersister.ts';
import { conflict, notFound } from '../../../platform/errors.ts';
import { hubEvents } from '../../../platform/events.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { objectId } from '../../../platform/http/schemas.ts';
import { checkoutFingerprint, DeliveryInput, PaymentInput, type CheckoutFields } from '../../checkout/checkoutFields.ts';
import type { RedisContext } from '../../commerceContext.ts';
import { presentPlacedOrder, presentStoredOrder } from '../presenters/order.ts';

export const PlaceOrderBody = z
  .object({
    productId: objectId('productId'),
    quantity: z
      .number({ invalid_type_error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1000, 'must be at most 1000'),
    sessionId: objectId('sessionId').optional(),
    delivery: DeliveryInput.optional(),
    payment: PaymentInput.optional(),
  })
  .strict()
  .openapi('PlaceOrder');

/** What is sold (the body without its delivery and payment choices, which checkoutFor turns into `checkout`). */
export interface PlaceOrderCommand extends Omit<z.infer<typeof PlaceOrderBody>, 'delivery' | 'payment'> {
  idempotencyKey: string;
  /** Delivery and payment (checkout/checkoutPlacement.ts checkoutFor prepares them, and the order id, before placing). */
  checkout?: CheckoutFields;
  orderId?: string;
}

// Price and seller of a product never change after listing, so order placement keeps them in memory
// briefly instead of reading the database per order; stock is never cached (Redis holds it).
const productCache = new Map<string, { at: number; product: { enterpriseId: string; priceFen: number; stock: number; active: boolean } }>();
const PRODUCT_CACHE_MS = 30_000;

async function productForOrder(productId: string) {
  const hit = productCache.get(productId);
  if (hit && Date.now() - hit.at < PRODUCT_CACHE_MS) return hit.product;
  const doc = await ProductModel.findById(productId, { enterpriseId: 1, priceFen: 1, stock: 1, active: 1 }).lean();
  if (!doc) return null;
  const product = { enterpriseId: String(doc.enterpriseId), priceFen: doc.priceFen, stock: doc.stock, active: doc.active };
  if (productCache.size > 10_000) productCache.clear();
  productCache.set(productId, { at: Date.now(), product });
  return product;
}

/** The order with this id: still queued in Redis (write-behind) or already in the database. */
async function findOrder(ctx: RedisContext, orderId: string) {
  const queued = await ctx.redis.hget(unsavedOrdersKey(ctx.config.REDIS_PREFIX), orderId);
  if (queued) return presentPlacedOrder(JSON.parse(queued) as QueuedOrder);
  const order = await OrderModel.findById(orderId).lean();
  return order ? presentStoredOrder(order) : null;
}

async function existingOrder(ctx: RedisContext, orderId: string, fingerprint: string, expected: string) {
  if (fingerprint !== expected) {
    throw conflict(
      'This Idempotency-Key was already used for a different order; use a new key for a new order',
      undefined,
      'idempotency_key_reused',
    );
  }
  const order = await findOrder(ctx, orderId);
  if (!order) throw conflict('The order for this Idempotency-Key was refused; place it again with a new key', undefined, 'order_refused');
  return { order, replayed: true };
}

/**
 * Places an order. Redis decides in one atomic script: a replayed Idempotency-Key returns the first order
 * (even after its session ended), a session that is not live refuses it, otherwise stock is taken (or the
 * order refused) and the order is queued; the database write follows in
 * batches (orderPersister.ts). The 201 therefore means sold and durably queued, never sold twice.
 */
export async function placeOrder(ctx: RedisContext, actor: AuthUser, command: PlaceOrderCommand) {
  const { redis } = ctx;
  const prefix = ctx.config.REDIS_PREFIX;
  const fingerprint = `${command.productId}:${command.quantity}:${command.sessionId ?? ''}${command.checkout ? `:${checkoutFingerprint(command.checkout)}` : ''}`;
  const product = await productForOrder(command.productId);
  if (!product) throw notFound('Product');
  if (!product.active) throw conflict('This product is no longer on sale', { status: 'off_sale' }, 'wrong_state');
  const orderId = command.orderId ?? String(new Types.ObjectId());
  const amountFen = product.priceFen * command.quantity;
  const queued: QueuedOrder = {
    _id: orderId,
    productId: command.productId,
    enterpriseId: product.enterpriseId,
    buyerUserId: actor.id,
    quantity: command.quantity,
    unitPriceFen: product.priceFen,
    amountFen,
    sessionId: command.sessionId ?? null,
    idempotencyKey: command.idempotencyKey,
    status: 'placed',
    createdAt: new Date().toISOString(),
    ...(command.checkout ?? {}),
  };
  const reserve = {
    productId: command.productId,
    buyerUserId: actor.id,
    key: command.idempotencyKey,
    orderId,
    quantity: command.quantity,
    amountFen,
    sessionId: command.sessionId ?? null,
    fingerprint,
    orderJson: JSON.stringify(queued),
  };
  const statusKey = command.sessionId ? liveStatusKey(prefix, command.sessionId) : undefined;
  let reservation = await reserveStock(redis, prefix, reserve, statusKey);
  if (reservation.outcome === 'session_unknown') {
    // Not cached in Redis yet: load the status from the database (404 for an unknown session) and decide again.
    if ((await sessionStatus(redis, prefix, command.sessionId!)) === null) throw notFound('Session');
    reservation = await reserveStock(redis, prefix, reserve, statusKey);
  }
  if (reservation.outcome === 'stock_unknown') {
    // The counter is gone (a Redis that lost its data): rebuild it from the database's orders, then decide again.
    if (!(await rebuildStockCounter(redis, prefix, command.productId))) throw notFound('Product');
    reservation = await reserveStock(redis, prefix, reserve, statusKey);
  }
  if (reservation.outcome === 'session_unknown') throw notFound('Session');
  if (reservation.outcome === 'stock_unknown')
    throw conflict('Stock of this product is being recounted; try again', undefined, 'stock_recounting');
  if (reservation.outcome === 'session_not_live') throw ordersRefused(command.sessionId!, reservation.status);
  if (reservation.outcome === 'existing') return existingOrder(ctx, reservation.orderId, reservation.fingerprint, fingerprint);
  if (reservation.outcome === 'sold_out') {
    throw conflict(
      `Only ${reservation.stockLeft} left in stock; ${command.quantity} requested`,
      { stock: reservation.stockLeft },
      'sold_out',
    );
  }
  const dto = presentPlacedOrder(queued);
  hubEvents.emit('order.placed', {
    orderId,
    productId: dto.productId,
    enterpriseId: dto.enterpriseId,
    sessionId: dto.sessionId,
    quantity: dto.quantity,
    amountFen: dto.amountFen,
    at: new Date(queued.createdAt),
  });
  return { order: dto, replayed: false };
}
