import { badRequest } from '../platform/errors.ts';
import { groupedSums } from '../platform/aggregate.ts';
import type { RedisContext } from './commerceContext.ts';
import { OrderModel } from './orders/order.model.ts';
import { gmvStatusFilter } from './orders/gmv.ts';
import type { QueuedOrder } from './orders/orderPersister.ts';
import { sessionSalesKey, stockKey, unsavedOrdersKey } from './orders/stockLedger.ts';
import { ProductModel } from './products/product.model.ts';
import { STOCK_RELEASED } from './checkout/orderState.ts';
import { BatchModel } from './batches/batch.model.ts';

/**
 * What other components (live, openness) read of commerce instead of the product and order models and keys:
 * each function answers one question with only the fields it needs. Writes stay in commerce's commands/.
 */

/** Products by id, in the given order, for session shelves. Unknown ids are a 400 naming them. */
export async function requireProducts(ids: string[]) {
  if (!ids.length) return [];
  const found = await ProductModel.find({ _id: { $in: ids } }).lean();
  const missing = ids.filter((id) => !found.some((p) => String(p._id) === id));
  if (missing.length) throw badRequest(`Invalid field "productIds": unknown product ${missing[0]}`);
  return ids.map((id) => found.find((p) => String(p._id) === id)!);
}

export interface ShelfProduct {
  id: string;
  name: string;
  category: string;
  priceFen: number;
  stock: number;
}

/** Products by id with their live stock (the Redis counter, else the stored value), in the given order; unknown ids are left out. */
export async function productsWithStock(ctx: RedisContext, productIds: string[]): Promise<ShelfProduct[]> {
  if (!productIds.length) return [];
  const products = await ProductModel.find({ _id: { $in: productIds } }).lean();
  const stocks = await ctx.redis.mget(productIds.map((p) => stockKey(ctx.config.REDIS_PREFIX, p)));
  return productIds.flatMap((pid, i) => {
    const p = products.find((x) => String(x._id) === pid);
    return p
      ? [{ id: pid, name: p.name, category: p.category, priceFen: p.priceFen, stock: stocks[i] === null ? p.stock : Number(stocks[i]) }]
      : [];
  });
}

/** A live session's sales so far, as the stock script counts them in Redis. */
export async function sessionSalesTotals(ctx: RedisContext, sessionId: string) {
  const h = await ctx.redis.hgetall(sessionSalesKey(ctx.config.REDIS_PREFIX, sessionId));
  return { orders: Number(h.orders ?? 0), quantity: Number(h.quantity ?? 0), amountFen: Number(h.amountFen ?? 0) };
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

/** Product names by id (the public schedule); unknown ids are left out. */
export async function productNames(ids: string[]): Promise<{ _id: unknown; name: string }[]> {
  return ProductModel.find({ _id: { $in: ids } }, { name: 1 }).lean();
}

/** GMV and order count per product of the orders placed in [start, end) (reports). */
export async function gmvByProduct(start: Date, end: Date) {
  return groupedSums(OrderModel, { ...gmvStatusFilter(), createdAt: { $gte: start, $lt: end } }, '$productId', {
    fen: '$amountFen',
    orders: 1,
  });
}

/** Stored orders placed before `cutoff`, streamed with what the overview counts (the overview rebuild). */
export function storedOrdersBefore(cutoff: Date) {
  return OrderModel.find({ createdAt: { $lt: cutoff } }, { productId: 1, sessionId: 1, amountFen: 1, createdAt: 1, status: 1 })
    .lean()
    .cursor({ batchSize: 10_000 });
}

/** Whether the persister has written this order to the database. */
export async function isOrderStored(orderId: string): Promise<boolean> {
  return Boolean(await OrderModel.exists({ _id: orderId }));
}

/** Orders accepted but not yet written (Redis's write-behind queue). */
export async function queuedOrders(ctx: RedisContext): Promise<QueuedOrder[]> {
  return Object.values(await ctx.redis.hgetall(unsavedOrdersKey(ctx.config.REDIS_PREFIX))).map((json) => JSON.parse(json) as QueuedOrder);
}

/** What the overview needs of these products: name, brand, township, household and enterprise (openness). */
export async function productFactsOf(ids: string[]) {
  return ProductModel.find({ _id: { $in: ids } }, { name: 1, brand: 1, township: 1, householdRegistryNo: 1, enterpriseId: 1 }).lean();
}

/** These products' batches, oldest first, with the brand and place a batch carries (openness). */
export async function batchFactsOf(productIds: unknown[]) {
  return BatchModel.find({ productId: { $in: productIds } }, { productId: 1, ceramic: 1, farm: 1, createdAt: 1 })
    .sort({ createdAt: 1 })
    .lean();
}
