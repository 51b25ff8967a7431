import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
// Low-level helpers of the stock scripts, not operations: they take the Redis client so the order path, the
// persister and benches share them without a context; operations (commands/) pass ctx.redis.
import { ProductModel } from '../products/product.model.ts';
import { OrderModel } from './order.model.ts';
import { stockKey } from './stockKey.ts';
import { ORDERING_STATUS } from '../../live/sessions/policies/sessionAccess.ts';

/** Runs a Lua script by its SHA (sending the text only when Redis does not have it yet), as on the hot order path. */
async function runScript(redis: Redis, script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  const sha = scriptShas.get(script) ?? createHash('sha1').update(script).digest('hex');
  scriptShas.set(script, sha);
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
const scriptShas = new Map<string, string>();

/**
 * The single writer of stock: a Redis counter per product, changed only by the Lua scripts below, which
 * Redis runs one at a time. A database read-modify-write would oversell under concurrent buyers
 * (FerretDB's findOneAndUpdate is not atomic); the database copy of stock follows with $inc.
 */
export { stockKey };
export const idempotencyKey = (prefix: string, buyerUserId: string, key: string) => `${prefix}:order-idem:${buyerUserId}:${key}`;
export const sessionSalesKey = (prefix: string, sessionId: string) => `${prefix}:live:sales:${sessionId}`;
/** Orders accepted but not yet in the database (write-behind queue, oldest at the right) and their bodies by id. */
export const pendingOrdersKey = (prefix: string) => `${prefix}:orders:pending`;
export const unsavedOrdersKey = (prefix: string) => `${prefix}:orders:unsaved`;

/** Seconds a retried key is answered from Redis; after that the unique (buyer, key) index still refuses a second order. */
const IDEMPOTENCY_TTL_SECONDS = 30 * 24 * 3600;

// KEYS: stock, idempotency, session sales (may be unused), pending queue, unsaved bodies, session status (checked in
// the same step, so no order is attributed to a session after it ended). ARGV: quantity, orderId, (unused),
// request fingerprint, amountFen, '1' when the order belongs to a session, order JSON, the status that takes
// orders (live's policy: ORDERING_STATUS).
// Deciding and enqueueing in one script means an accepted order is never lost between the two.
const RESERVE_SCRIPT = `
local existing = redis.call('GET', KEYS[2])
if existing then return {'existing', existing} end
if ARGV[6] == '1' then
  local status = redis.call('GET', KEYS[6])
  if not status then return {'session_unknown', ''} end
  if status ~= ARGV[8] then return {'session_not_live', status} end
end
local stock = tonumber(redis.call('GET', KEYS[1]))
if not stock then return {'stock_unknown', ''} end
local quantity = tonumber(ARGV[1])
if stock < quantity then return {'sold_out', tostring(stock)} end
local left = redis.call('DECRBY', KEYS[1], quantity)
redis.call('SET', KEYS[2], ARGV[2] .. '|' .. ARGV[4], 'EX', ${IDEMPOTENCY_TTL_SECONDS})
redis.call('HSET', KEYS[5], ARGV[2], ARGV[7])
redis.call('LPUSH', KEYS[4], ARGV[7])
local orders, sold, amount = 0, 0, 0
if ARGV[6] == '1' then
  orders = redis.call('HINCRBY', KEYS[3], 'orders', 1)
  sold = redis.call('HINCRBY', KEYS[3], 'quantity', quantity)
  amount = redis.call('HINCRBY', KEYS[3], 'amountFen', tonumber(ARGV[5]))
end
return {'ok', tostring(left), orders, sold, amount}
`;

// Undo a reservation whose order the database refused for good: stock back, session totals back, key forgotten.
const RELEASE_SCRIPT = `
local held = redis.call('GET', KEYS[2])
if not held or string.sub(held, 1, string.len(ARGV[2])) ~= ARGV[2] then return 0 end
-- A counter that is gone is rebuilt from the database, which no longer counts this order.
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], tonumber(ARGV[1])) end
redis.call('DEL', KEYS[2])
if ARGV[4] == '1' then
  redis.call('HINCRBY', KEYS[3], 'orders', -1)
  redis.call('HINCRBY', KEYS[3], 'quantity', -tonumber(ARGV[1]))
  redis.call('HINCRBY', KEYS[3], 'amountFen', -tonumber(ARGV[3]))
end
return 1
`;

export type Reservation =
  | { outcome: 'reserved'; stockLeft: number; sessionTotals: { orders: number; quantity: number; amountFen: number } | null }
  | { outcome: 'existing'; orderId: string; fingerprint: string }
  | { outcome: 'sold_out'; stockLeft: number }
  /** The product's counter is not in Redis: rebuild it from the database (rebuildStockCounter) and retry. */
  | { outcome: 'stock_unknown' }
  /** The session's status is not in Redis (load it and retry) or is not live. */
  | { outcome: 'session_unknown' }
  | { outcome: 'session_not_live'; status: string };

export interface ReserveCommand {
  productId: string;
  buyerUserId: string;
  key: string;
  orderId: string;
  quantity: number;
  amountFen: number;
  sessionId: string | null;
  /** What the request asked for; the same key with a different request is refused. */
  fingerprint: string;
  /** Unused: a missing counter is rebuilt from the database's orders (rebuildStockCounter), never from a cached stock. */
  persistedStock?: number;
  /** The order as it will be written (JSON), queued for the persister with the reservation. */
  orderJson: string;
}

export async function reserveStock(
  redis: Redis,
  prefix: string,
  c: ReserveCommand,
  sessionStatusKey = `${prefix}:none`,
): Promise<Reservation> {
  const result = (await runScript(
    redis,
    RESERVE_SCRIPT,
    [
      stockKey(prefix, c.productId),
      idempotencyKey(prefix, c.buyerUserId, c.key),
      sessionSalesKey(prefix, c.sessionId ?? 'none'),
      pendingOrdersKey(prefix),
      unsavedOrdersKey(prefix),
      sessionStatusKey,
    ],
    [c.quantity, c.orderId, 0, c.fingerprint, c.amountFen, c.sessionId ? '1' : '0', c.orderJson, ORDERING_STATUS],
  )) as [string, string, number?, number?, number?];
  if (result[0] === 'existing') {
    const [orderId, ...rest] = result[1].split('|');
    return { outcome: 'existing', orderId: orderId!, fingerprint: rest.join('|') };
  }
  if (result[0] === 'sold_out') return { outcome: 'sold_out', stockLeft: Number(result[1]) };
  if (result[0] === 'session_unknown') return { outcome: 'session_unknown' };
  if (result[0] === 'stock_unknown') return { outcome: 'stock_unknown' };
  if (result[0] === 'session_not_live') return { outcome: 'session_not_live', status: result[1] };
  return {
    outcome: 'reserved',
    stockLeft: Number(result[1]),
    sessionTotals: c.sessionId ? { orders: Number(result[2]), quantity: Number(result[3]), amountFen: Number(result[4]) } : null,
  };
}

export async function releaseStock(
  redis: Redis,
  prefix: string,
  c: Omit<ReserveCommand, 'orderJson' | 'persistedStock' | 'fingerprint'>,
): Promise<void> {
  await redis.eval(
    RELEASE_SCRIPT,
    3,
    stockKey(prefix, c.productId),
    idempotencyKey(prefix, c.buyerUserId, c.key),
    sessionSalesKey(prefix, c.sessionId ?? 'none'),
    c.quantity,
    c.orderId,
    c.amountFen,
    c.sessionId ? '1' : '0',
  );
}

/**
 * Order states that give their units back to stock (i13-commerce's checkout adds expiry and refunds);
 * every other state holds its units.
 */
export const STOCK_RELEASING_STATUSES = ['cancelled', 'expired', 'refunded'] as const;

/**
 * The database's truth about a product's stock: the units put on sale minus the units of every order
 * that still holds stock, persisted or still queued in Redis (write-behind). Queued bodies are read
 * before the database and merged by id: the persister inserts an order before it drops its queued
 * body, so each order is seen at least once and counted once.
 */
export async function stockFromTruth(redis: Redis, prefix: string, productId: string): Promise<number | null> {
  const queued = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, fields] = await redis.hscan(unsavedOrdersKey(prefix), cursor, 'COUNT', 1000);
    cursor = next;
    for (let i = 1; i < fields.length; i += 2) {
      const order = JSON.parse(fields[i]!) as { _id: string; productId: string; quantity: number; status?: string };
      if (order.productId === productId && !isReleasing(order.status)) queued.set(order._id, order.quantity);
    }
  } while (cursor !== '0');
  const product = await ProductModel.findById(productId, { stock: 1, stockListed: 1 }).lean();
  if (!product) return null;
  let persistedHeld = 0;
  const orders = OrderModel.find({ productId, status: { $nin: [...STOCK_RELEASING_STATUSES] } }, { quantity: 1 })
    .lean()
    .cursor();
  for await (const o of orders) {
    persistedHeld += o.quantity;
    queued.delete(String(o._id));
  }
  let held = persistedHeld;
  for (const quantity of queued.values()) held += quantity;
  // Products listed before stockListed existed: their stock field was last copied from the counter,
  // after the persisted orders had been taken from it.
  const listed = (product as { stockListed?: number }).stockListed ?? product.stock + persistedHeld;
  return Math.max(0, listed - held);
}

const isReleasing = (status: string | undefined) => (STOCK_RELEASING_STATUSES as readonly string[]).includes(status ?? 'placed');

/** Re-creates a missing counter from the database's truth; a counter another process set meanwhile wins. */
export async function rebuildStockCounter(redis: Redis, prefix: string, productId: string): Promise<boolean> {
  const stock = await stockFromTruth(redis, prefix, productId);
  if (stock === null) return false;
  await redis.set(stockKey(prefix, productId), stock, 'NX');
  return true;
}

/** Starts the counter of a new product (no orders yet) unless it already exists. */
export async function initStockCounter(redis: Redis, prefix: string, productId: string, stock: number): Promise<void> {
  await redis.set(stockKey(prefix, productId), stock, 'NX');
}
