import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { HubContext } from '../../platform/context.ts';
import type { RedisContext } from '../commerceContext.ts';
import { stockKey } from '../orders/stockLedger.ts';
import { publishLive, type FlashSaleState } from '../../live/bus.ts';
import { componentLogger } from '../../platform/logger.ts';
import { presentFlashSale } from './presenters/flashSale.ts';

/** A session's flash sale in Redis: its hash, its scripts, and the pushes that keep every viewer's card current. */

const log = componentLogger('flash-sale');

export const flashKey = (prefix: string, sessionId: string) => `${prefix}:live:flash:${sessionId}`;
export const boughtKey = (prefix: string, sessionId: string, saleId: string) => `${prefix}:live:flash:${sessionId}:${saleId}:bought`;

export async function runScript(redis: Redis, script: string, keys: string[], args: (string | number)[]) {
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
export const START_SCRIPT = `
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
export const BUY_SCRIPT = `
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

// Ends a sale once: what was not sold goes back to the product's stock counter. KEYS: sale, stock. ARGV: sale id.
const END_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' or redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return -1 end
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
if remaining > 0 and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('INCRBY', KEYS[2], remaining) end
redis.call('HSET', KEYS[1], 'status', 'ended', 'remaining', 0, 'returned', remaining)
return remaining
`;

/** The session's flash sale as anyone (no sign-in) sees it. */
export async function flashSaleView(ctx: RedisContext, sessionId: string) {
  return presentFlashSale(await ctx.redis.hgetall(flashKey(ctx.config.REDIS_PREFIX, sessionId)));
}

/** Pushes the sale's state (remaining, sold out, ended) to every viewer of the session over Socket.IO (`flash:sale`). */
export async function pushFlashSale(ctx: HubContext, sessionId: string, sale: FlashSaleState | null): Promise<void> {
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, { type: 'flash', sessionId, sale }).catch((err: unknown) =>
    log.warn({ sessionId, err: String(err) }, 'flash sale update not pushed'),
  );
}

/** Ends the running sale (host, or its end job); unsold units return to stock exactly once. Returns them, or -1. */
export async function endFlashSale(ctx: HubContext, sessionId: string, saleId: string): Promise<number> {
  const prefix = ctx.config.REDIS_PREFIX;
  const productId = await ctx.redis.hget(flashKey(prefix, sessionId), 'productId');
  if (!productId) return -1;
  const returned = Number(await ctx.redis.eval(END_SCRIPT, 2, flashKey(prefix, sessionId), stockKey(prefix, productId), saleId));
  if (returned >= 0) await pushFlashSale(ctx, sessionId, (await flashSaleView(ctx, sessionId)).sale);
  return returned;
}
