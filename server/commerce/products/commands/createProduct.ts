import { z } from 'zod';
import type { RedisContext } from '../../commerceContext.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { recordChange, withPendingAudit } from '../../../platform/audit/outbox.ts';
import { badRequest } from '../../../platform/errors.ts';
import { text } from '../../../platform/http/schemas.ts';
import { householdExists } from '../../../registry/households/householdReads.ts';
import { initStockCounter } from '../../orders/stockLedger.ts';
import { ProductModel, PRODUCT_CATEGORIES } from '../product.model.ts';
import { assertCanListProduct } from '../policies/productAccess.ts';
import { presentProduct } from '../presenters/product.ts';

export const CreateProductBody = z
  .object({
    name: text(120),
    category: z.enum(PRODUCT_CATEGORIES),
    priceFen: z
      .number({ invalid_type_error: 'must be an integer number of fen' })
      .int('must be a whole number of fen')
      .positive('must be positive')
      .max(1e9, 'must not exceed 10^9 fen'),
    stock: z
      .number({ invalid_type_error: 'must be a whole number' })
      .int('must be a whole number')
      .min(0, 'must not be negative')
      .max(10_000_000, 'must not exceed 10,000,000'),
    householdRegistryNo: text(64).optional(),
  })
  .strict()
  .openapi('CreateProduct');

export type CreateProductCommand = z.infer<typeof CreateProductBody>;

/** An enterprise lists a product; its stock counter starts in Redis (the single writer of stock). */
export async function createProduct(ctx: RedisContext, actor: AuthUser, command: CreateProductCommand) {
  assertCanListProduct(actor);
  if (command.householdRegistryNo && !(await householdExists(command.householdRegistryNo))) {
    throw badRequest(`Invalid field "householdRegistryNo": no registered household ${command.householdRegistryNo}`);
  }
  // The product and its product.create event are one write (the audit outbox).
  const product = new ProductModel({
    ...command,
    householdRegistryNo: command.householdRegistryNo ?? null,
    enterpriseId: actor.orgId,
    stockListed: command.stock,
  });
  const id = String(product._id);
  const draft = presentProduct(product.toObject());
  await recordChange(
    ctx,
    { model: ProductModel, id, audit: { actor, action: 'product.create', target: { type: 'product', id }, after: draft } },
    async (entry) => {
      withPendingAudit(product, entry);
      await product.save();
    },
  );
  await initStockCounter(ctx.redis, ctx.config.REDIS_PREFIX, id, product.stock);
  return presentProduct(product.toObject());
}
