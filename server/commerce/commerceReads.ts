import { badRequest } from '../platform/errors.ts';
import type { RedisContext } from './commerceContext.ts';
import { OrderModel } from './orders/order.model.ts';
import { sessionSalesKey, stockKey } from './orders/stockLedger.ts';
import { ProductModel } from './products/product.model.ts';
import { STOCK_RELEASED } from './checkout/orderState.ts';

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
