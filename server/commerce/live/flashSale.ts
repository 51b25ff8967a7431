import { createHash, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { conflict, HttpError, notFound } from '../../platform/errors.ts';
import { fen } from '../../platform/http/schemas.ts';
import { pinnedProduct, sessionHost, sessionHostAndStatus } from '../../live/sessions/sessionReads.ts';
import { assertIsSessionHost, sessionTakesOrders } from '../../live/sessions/policies/sessionAccess.ts';
import { ProductModel } from '../products/product.model.ts';
import { idempotencyKey, pendingOrdersKey, sessionSalesKey, stockKey, unsavedOrdersKey } from '../orders/stockLedger.ts';
import type { QueuedOrder } from '../orders/orderPersister.ts';
import { checkoutFor } from '../checkout/checkoutPlacement.ts';
import type { DeliveryInput } from '../checkout/checkoutFields.ts';
import type { PaymentMethod } from '../checkout/paymentProviders.ts';
import { getOrder } from '../orders/commands/getOrder.ts';
import { expiryQueue } from '../checkout/expiry.ts';
import { hubEvents } from '../../platform/events.ts';
import { endFlashSale, flashKey, flashSaleView, pushFlashSale } from './flashSaleEnd.ts';

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

const boughtKey = (prefix: string, sessionId: string, saleId: string) => `${prefix}:live:flash:${sessionId}:${saleId}:bought`;

async function run(redis: Redis, script: string, keys: string[], args: (string | number)[]) {
  const sha = createHash('sha1').update(script).digest('hex');
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}

// Moves the sale's quantity out of the product's stock counter into the sale (so ordinary orders and the sale
// never sell the same unit). KEYS: stock, sale hash. ARGV: stock to start the counter from, quantity, sale fields.
const START_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('HGET', KEYS[2], 'status') == 'running' then return {'running'} end
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local stock = tonumber(redis.call('GET', KEYS[1]))
local q = tonumber(ARGV[2])
if stock < q then return {'short', tostring(stock)} end
redis.call('DECRBY', KEYS[1], q)
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'status', 'running', 'remaining', q, 'quantity', q, 'id', ARGV[3], 'productId', ARGV[4], 'priceFen', ARGV[5],
  'limit', ARGV[6], 'endsAt', ARGV[7])
return {'ok'}
`;

// One flash-sale purchase, decided atomically: the sale runs and has not ended, the buyer stays within the
// limit, enough is left; then the order is queued exactly as stockLedger.ts queues any order.
// KEYS: sale, bought-per-buyer hash, idempotency, pending queue, unsaved bodies, session sales.
// ARGV: now ms, buyer id, quantity, order id, fingerprint, amountFen, order JSON, sale id.
const BUY_SCRIPT = `
local existing = redis.call('GET', KEYS[3])
if existing then return {'existing', existing} end
if redis.call('HGET', KEYS[1], 'status') ~= 'running' or redis.call('HGET', KEYS[1], 'id') ~= ARGV[8] then return {'not_running', ''} end
if tonumber(ARGV[1]) >= tonumber(redis.call('HGET', KEYS[1], 'endsAt')) then return {'not_running', 'ended'} end
local q = tonumber(ARGV[3])
local bought = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
local limit = tonumber(redis.call('HGET', KEYS[1], 'limit'))
if bought + q > limit then return {'limit', tostring(limit - bought)} end
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
if remaining < q then return {'sold_out', tostring(remaining)} end
redis.call('HINCRBY', KEYS[1], 'remaining', -q)
redis.call('HINCRBY', KEYS[2], ARGV[2], q)
redis.call('SET', KEYS[3], ARGV[4] .. '|' .. ARGV[5], 'EX', 2592000)
redis.call('HSET', KEYS[5], ARGV[4], ARGV[7])
redis.call('LPUSH', KEYS[4], ARGV[7])
redis.call('HINCRBY', KEYS[6], 'orders', 1)
redis.call('HINCRBY', KEYS[6], 'quantity', q)
redis.call('HINCRBY', KEYS[6], 'amountFen', tonumber(ARGV[6]))
return {'ok', tostring(remaining - q)}
`;

const HOST_ONLY = 'Only the host of this session runs its flash sales';

async function hostSession(actor: AuthUser, sessionId: string) {
  const session = await sessionHostAndStatus(sessionId);
  if (!session) throw notFound('Session');
  assertIsSessionHost(actor, session, HOST_ONLY);
  // A sale's orders are the session's orders, so it runs only while the session takes them.
  if (!sessionTakesOrders(session.status))
    throw conflict(`Session ${sessionId} is ${session.status}, not live`, { status: session.status }, 'wrong_state');
}

export { flashSaleView };

/** The host starts a timed price for the pinned product; an end job returns what is unsold to stock. */
export type StartFlashSaleCommand = z.infer<typeof StartFlashSaleBody> & { sessionId: string };

export async function startFlashSale(ctx: HubContext, actor: AuthUser, command: StartFlashSaleCommand) {
  const { sessionId, ...body } = command;
  await hostSession(actor, sessionId);
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
  const result = (await run(
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
  const view = await flashSaleView(ctx, { sessionId });
  await pushFlashSale(ctx, sessionId, view.sale);
  return view;
}

/** The host ends the sale early; unsold units return to stock. */
export async function stopFlashSale(ctx: HubContext, actor: AuthUser, command: { sessionId: string }) {
  const { sessionId } = command;
  const session = await sessionHost(sessionId);
  if (!session) throw notFound('Session');
  assertIsSessionHost(actor, session, HOST_ONLY);
  const h = await ctx.redis.hgetall(flashKey(ctx.config.REDIS_PREFIX, sessionId));
  if (h.id) await endFlashSale(ctx, sessionId, h.id);
  return flashSaleView(ctx, { sessionId });
}

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
  const result = (await run(
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
  await pushFlashSale(ctx, sessionId, (await flashSaleView(ctx, { sessionId })).sale);
  return { order: await getOrder(ctx, actor, { orderId }), replayed: false, remaining: Number(result[1]) };
}
