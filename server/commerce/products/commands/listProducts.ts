import type { AuthUser } from '../../../platform/auth/roles.ts';
import type { RedisContext } from '../../commerceContext.ts';
import { ProductModel } from '../product.model.ts';
import { productListScope } from '../policies/productAccess.ts';
import { presentProduct } from '../presenters/product.ts';
import { liveStocks } from './productStocks.ts';

export type ListProductsCommand = { enterpriseId?: string; ids?: string[] };

/** Products, newest first (at most 500), with their live stock. */
export async function listProducts(ctx: RedisContext, actor: AuthUser, command: ListProductsCommand) {
  const query: Record<string, unknown> = {};
  if (command.ids) query._id = { $in: command.ids };
  const enterpriseId = productListScope(actor, command);
  if (enterpriseId !== undefined) query.enterpriseId = enterpriseId;
  const products = await ProductModel.find(query).sort({ createdAt: -1 }).limit(500).lean();
  const stocks = await liveStocks(
    ctx,
    products.map((p) => String(p._id)),
  );
  return { items: products.map((p, i) => presentProduct(p, stocks[i])) };
}
