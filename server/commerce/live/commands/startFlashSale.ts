import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { conflict, HttpError, notFound } from '../../../platform/errors.ts';
import { fen } from '../../../platform/http/schemas.ts';
import { pinnedProduct, sessionHostAndStatus } from '../../../live/sessions/sessionReads.ts';
import { ProductModel } from '../../products/product.model.ts';
import { stockKey } from '../../orders/stockLedger.ts';
import { expiryQueue } from '../../checkout/expiry.ts';
import { flashKey, flashSaleView, pushFlashSale, runScript, START_SCRIPT } from '../flashSaleStore.ts';
import { assertCanStartFlashSale } from '../policies/liveSellingAccess.ts';

export const StartFlashSaleBody = z
  .object({
    productId: z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id'),
    priceFen: fen,
    quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000, 'must be at most 100000'),
    perBuyerLimit: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100'),
    durationSeconds: z
      .number()
      .int('must be a whole number')
      .min(10, 'must be at least 10')
      .max(6 * 3600, 'must be at most 21600'),
  })
  .strict();

export type StartFlashSaleCommand = z.infer<typeof StartFlashSaleBody> & { sessionId: string };

/** The host starts a timed price for the pinned product; an end job returns what is unsold to stock. */
export async function startFlashSale(ctx: HubContext, actor: AuthUser, command: StartFlashSaleCommand) {
  const { sessionId, ...body } = command;
  const session = await sessionHostAndStatus(sessionId);
  if (!session) throw notFound('Session');
  assertCanStartFlashSale(actor, session, sessionId);
  const pinned = await pinnedProduct(ctx, sessionId);
  if (!pinned || pinned.id !== body.productId)
    throw new HttpError(400, 'validation_failed', 'Invalid field "productId": pin the product before its flash sale', {
      field: 'productId',
    });
  const product = await ProductModel.findById(body.productId, { stock: 1, priceFen: 1 }).lean();
  if (!product) throw notFound('Product');
  const prefix = ctx.config.REDIS_PREFIX;
  const id = randomUUID();
  const endsAt = Date.now() + body.durationSeconds * 1000;
  const result = (await runScript(
    ctx.redis,
    START_SCRIPT,
    [stockKey(prefix, body.productId), flashKey(prefix, sessionId)],
    [product.stock, body.quantity, id, body.productId, body.priceFen, body.perBuyerLimit, endsAt],
  )) as string[];
  if (result[0] === 'running') throw conflict('A flash sale is already running in this session', undefined, 'flash_sale_running');
  if (result[0] === 'short')
    throw conflict(`Only ${result[1]} in stock for a sale of ${body.quantity}`, { stock: Number(result[1]) }, 'sold_out');
  await expiryQueue(ctx).add('flash-end', { orderId: '', flash: { sessionId, saleId: id } } as never, {
    jobId: `flash-end-${id}`,
    delay: body.durationSeconds * 1000,
  });
  const view = await flashSaleView(ctx, sessionId);
  await pushFlashSale(ctx, sessionId, view.sale);
  return view;
}
