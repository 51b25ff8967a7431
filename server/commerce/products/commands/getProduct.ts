import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import type { RedisContext } from '../../commerceContext.ts';
import { ProductModel } from '../product.model.ts';
import { presentProduct } from '../presenters/product.ts';
import { liveStocks } from './productStocks.ts';

export type GetProductCommand = { productId: string };

/** One product with its live stock; every signed-in user may read the catalogue. */
export async function getProduct(ctx: RedisContext, _actor: AuthUser, command: GetProductCommand) {
  const product = await ProductModel.findById(command.productId).lean();
  if (!product) throw notFound('Product');
  const [stock] = await liveStocks(ctx, [command.productId]);
  return presentProduct(product, stock);
}
