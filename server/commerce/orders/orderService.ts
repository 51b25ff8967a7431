import type { Redis } from 'ioredis';
import mongoose, { Types } from 'mongoose';
import { OrderModel, type Order } from './order.model.ts';
import { ProductModel } from '../products/product.model.ts';
import { liveStatusKey, sessionStatus } from '../../live/sessions/sessionReads.ts';
import { ordersRefused } from '../../live/sessions/policies/sessionAccess.ts';
import { rebuildStockCounter, reserveStock, unsavedOrdersKey } from './stockLedger.ts';
import type { QueuedOrder } from './orderPersister.ts';
import { appendAudit } from '../../platform/audit/auditLog.ts';
import { conflict, forbidden, isDuplicateKeyError, notFound } from '../../platform/errors.ts';
import { hubEvents } from '../../platform/events.ts';
import { READ_ALL_ROLES, type AuthUser } from '../../platform/auth/roles.ts';
import { componentLogger } from '../../platform/logger.ts';
import { decodeDateCursor, encodeDateCursor } from '../../platform/http/keyset.ts';
import { checkoutFingerprint, type CheckoutFields } from '../checkout/checkoutFields.ts';
import { STOCK_RELEASED } from '../checkout/orderState.ts';

const log = componentLogger('orders');

export function orderDto(o: Order & { _id: unknown; createdAt?: Date }) {
  return {
    id: String(o._id),
    productId: String(o.productId),
    enterpriseId: String(o.enterpriseId),
    buyerUserId: String(o.buyerUserId),
    quantity: o.quantity,
    unitPriceFen: o.unitPriceFen,
    amountFen: o.amountFen,
    sessionId: o.sessionId ? String(o.sessionId) : null,
    idempotencyKey: o.idempotencyKey,
    status: o.status,
    createdAt: o.createdAt?.toISOString?.() ?? null,
    ...checkoutFieldsOf(o),
  };
}

/** Checkout fields of a stored order (only on orders placed with delivery and payment). */
function checkoutFieldsOf(o: Order) {
  if (!o.delivery) return {};
  return {
    delivery: o.delivery as CheckoutFields['delivery'],
    payment: o.payment as CheckoutFields['payment'],
    pickupCode: o.pickupCode ?? null,
    trackingCode: o.trackingCode ?? null,
    expiresAt: o.expiresAt ? new Date(o.expiresAt).toISOString() : null,
  };
}

export interface PlaceOrderCommand {
  productId: string;
  quantity: number;
  sessionId?: string;
  idempotencyKey: string;
  /** Delivery and payment (checkout/checkoutService.ts prepares them, and the order id, before placing). */
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
export async function findOrder(redis: Redis, prefix: string, orderId: string) {
  const queued = await redis.hget(unsavedOrdersKey(prefix), orderId);
  if (queued) return queuedOrderDto(JSON.parse(queued) as QueuedOrder);
  const order = await OrderModel.findById(orderId).lean();
  return order ? orderDto(order) : null;
}

async function existingOrder(redis: Redis, prefix: string, orderId: string, fingerprint: string, expected: string) {
  if (fingerprint !== expected) {
    throw conflict(
      'This Idempotency-Key was already used for a different order; use a new key for a new order',
      undefined,
      'idempotency_key_reused',
    );
  }
  const order = await findOrder(redis, prefix, orderId);
  if (!order) throw conflict('The order for this Idempotency-Key was refused; place it again with a new key', undefined, 'order_refused');
  return { order, replayed: true };
}

export function queuedOrderDto(o: QueuedOrder) {
  const { _id, ...rest } = o;
  return { id: _id, ...rest };
}

/**
 * Places an order. Redis decides in one atomic script: a replayed Idempotency-Key returns the first order
 * (even after its session ended), a session that is not live refuses it, otherwise stock is taken (or the
 * order refused) and the order is queued; the database write follows in
 * batches (orderPersister.ts). The 201 therefore means sold and durably queued, never sold twice.
 */
export async function placeOrder(redis: Redis, prefix: string, actor: AuthUser, command: PlaceOrderCommand) {
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
  if (reservation.outcome === 'existing') return existingOrder(redis, prefix, reservation.orderId, reservation.fingerprint, fingerprint);
  if (reservation.outcome === 'sold_out') {
    throw conflict(
      `Only ${reservation.stockLeft} left in stock; ${command.quantity} requested`,
      { stock: reservation.stockLeft },
      'sold_out',
    );
  }
  const dto = queuedOrderDto(queued);
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

/** Orders, quantity and amount of the orders attributed to a session (summed here: FerretDB's $sum of a field gives 0). */
export async function sumSessionOrders(sessionId: string) {
  const totals = { orders: 0, quantity: 0, amountFen: 0 };
  // Paid, shipped or delivered orders still count; cancelled, expired and refunded ones gave their stock back.
  const cursor = OrderModel.find({ sessionId, status: { $nin: STOCK_RELEASED } }, { quantity: 1, amountFen: 1 })
    .lean()
    .cursor();
  for await (const o of cursor) {
    totals.orders += 1;
    totals.quantity += o.quantity;
    totals.amountFen += o.amountFen;
  }
  return totals;
}

export async function getOrder(redis: Redis, prefix: string, actor: AuthUser, id: string) {
  const order = await findOrder(redis, prefix, id);
  if (!order) throw notFound('Order');
  const mayRead =
    order.buyerUserId === actor.id ||
    READ_ALL_ROLES.includes(actor.role) ||
    (actor.role === 'enterprise' && actor.orgId === order.enterpriseId);
  if (!mayRead) throw forbidden('This order belongs to another buyer');
  return order;
}

/** Keyset cursor of the order lists: the last order's (createdAt, _id), opaque to clients. */
export function encodeOrderCursor(o: { createdAt: Date; _id: unknown }): string {
  return encodeDateCursor(o.createdAt, o._id);
}

export function decodeOrderCursor(cursor: string): { createdAt: Date; id: mongoose.Types.ObjectId } {
  const { at, id } = decodeDateCursor(cursor);
  return { createdAt: at, id };
}
