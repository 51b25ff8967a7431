import type { HubContext } from '../../platform/context.ts';
import { ProductModel } from '../../commerce/products/product.model.ts';
import { stockKey } from '../../commerce/orders/stockLedger.ts';
import type { PinnedProduct } from '../bus.ts';
import { pinnedKey } from './liveState.ts';

/** What other modules read about a live session's products, instead of the session's model and keys. */

/** The shelf: the session's featured products with live stock. */
export async function sessionShelf(ctx: HubContext, productIds: string[]): Promise<PinnedProduct[]> {
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

/** The product the host shows now, as pinned (null when none is). */
export async function pinnedProduct(ctx: HubContext, sessionId: string): Promise<PinnedProduct | null> {
  const raw = await ctx.redis.get(pinnedKey(ctx.config.REDIS_PREFIX, sessionId));
  if (raw) return JSON.parse(raw) as PinnedProduct;
  return null;
}
