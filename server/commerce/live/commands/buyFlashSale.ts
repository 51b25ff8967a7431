import { Types } from 'mongoose';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { conflict, notFound } from '../../../platform/errors.ts';
import { hubEvents } from '../../../platform/events.ts';
import { ProductModel } from '../../products/product.model.ts';
import { idempotencyKey, pendingOrdersKey, sessionSalesKey, unsavedOrdersKey } from '../../orders/stockLedger.ts';
import type { QueuedOrder } from '../../orders/orderPersister.ts';
import { getOrder } from '../../orders/commands/getOrder.ts';
import { checkoutFor } from '../../checkout/checkoutPlacement.ts';
import type { DeliveryInput } from '../../checkout/checkoutFields.ts';
import type { PaymentMethod } from '../../checkout/paymentProviders.ts';
import { boughtKey, BUY_SCRIPT, flashKey, flashSaleView, pushFlashSale, runScript } from '../flashSaleStore.ts';

/** A buyer buys at the sale price (with delivery and payment, and an Idempotency-Key, as any order). */
export interface BuyFlashSaleCommand {
  sessionId: string;
  idempotencyKey: string;
  quantity: number;
  delivery?: DeliveryInput;
  payment?: PaymentMethod;
}

export async function buyFlashSale(ctx: HubContext, actor: AuthUser, command: BuyFlashSaleCommand) {
  const { sessionId, idempotencyKey: idemKey, ...body } = command;
  const prefix = ctx.config.REDIS_PREFIX;
  const h = await ctx.redis.hgetall(flashKey(prefix, sessionId));
  if (!h.id || h.status !== 'running') throw conflict('No flash sale is running in this session', undefined, 'flash_sale_not_running');
  const product = await ProductModel.findById(h.productId, { enterpriseId: 1 }).lean();
  if (!product) throw notFound('Product');
  const { checkout, orderId: preparedId } = await checkoutFor(ctx, actor, body.delivery, body.payment);
  const orderId = preparedId ?? String(new Types.ObjectId());
  const priceFen = Number(h.priceFen);
  const amountFen = priceFen * body.quantity;
  const queued: QueuedOrder & { flashSaleId: string } = {
    _id: orderId,
    productId: h.productId!,
    enterpriseId: String(product.enterpriseId),
    buyerUserId: actor.id,
    quantity: body.quantity,
    unitPriceFen: priceFen,
    amountFen,
    sessionId,
    idempotencyKey: idemKey,
    status: 'placed',
    createdAt: new Date().toISOString(),
    flashSaleId: h.id,
    ...(checkout ?? {}),
  };
  const fingerprint = `flash:${h.id}:${body.quantity}`;
  const result = (await runScript(
    ctx.redis,
    BUY_SCRIPT,
    [
      flashKey(prefix, sessionId),
      boughtKey(prefix, sessionId, h.id),
      idempotencyKey(prefix, actor.id, idemKey),
      pendingOrdersKey(prefix),
      unsavedOrdersKey(prefix),
      sessionSalesKey(prefix, sessionId),
    ],
    [Date.now(), actor.id, body.quantity, orderId, fingerprint, amountFen, JSON.stringify(queued), h.id],
  )) as string[];
  if (result[0] === 'existing') {
    const [existingId, ...rest] = result[1]!.split('|');
    if (rest.join('|') !== fingerprint)
      throw conflict('This Idempotency-Key was already used for a different order; use a new key', undefined, 'idempotency_key_reused');
    return { order: await getOrder(ctx, actor, { orderId: existingId! }), replayed: true };
  }
  if (result[0] === 'not_running') throw conflict('The flash sale has ended', undefined, 'flash_sale_not_running');
  if (result[0] === 'limit')
    throw conflict(
      `At most ${h.limit} per buyer in this sale; ${result[1]} left for you`,
      { perBuyerLimit: Number(h.limit), left: Number(result[1]) },
      'flash_sale_limit',
    );
  if (result[0] === 'sold_out') throw conflict(`Only ${result[1]} left in the flash sale`, { remaining: Number(result[1]) }, 'sold_out');
  hubEvents.emit('order.placed', {
    orderId,
    productId: h.productId!,
    enterpriseId: String(product.enterpriseId),
    sessionId,
    quantity: body.quantity,
    amountFen,
    at: new Date(queued.createdAt),
  });
  // Every viewer's card learns the new remaining quantity (or that it sold out) at once.
  await pushFlashSale(ctx, sessionId, (await flashSaleView(ctx, sessionId)).sale);
  return { order: await getOrder(ctx, actor, { orderId }), replayed: false, remaining: Number(result[1]) };
}
