import type { HubContext } from '../../platform/context.ts';
import type { RedisContext } from '../commerceContext.ts';
import { stockKey } from '../orders/stockLedger.ts';
import { publishLive, type FlashSaleState } from '../../live/bus.ts';
import { componentLogger } from '../../platform/logger.ts';

const log = componentLogger('flash-sale');

export const flashKey = (prefix: string, sessionId: string) => `${prefix}:live:flash:${sessionId}`;

// Ends a sale once: what was not sold goes back to the product's stock counter. KEYS: sale, stock. ARGV: sale id.
const END_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' or redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return -1 end
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
if remaining > 0 and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('INCRBY', KEYS[2], remaining) end
redis.call('HSET', KEYS[1], 'status', 'ended', 'remaining', 0, 'returned', remaining)
return remaining
`;

/** The session's flash sale as anyone (no sign-in) sees it. */
export async function flashSaleView(ctx: RedisContext, command: { sessionId: string }): Promise<{ sale: FlashSaleState | null }> {
  const h = await ctx.redis.hgetall(flashKey(ctx.config.REDIS_PREFIX, command.sessionId));
  if (!h.id) return { sale: null };
  return {
    sale: {
      id: h.id,
      status: h.status,
      productId: h.productId,
      priceFen: Number(h.priceFen),
      quantity: Number(h.quantity),
      remaining: Number(h.remaining),
      perBuyerLimit: Number(h.limit),
      endsAt: new Date(Number(h.endsAt)).toISOString(),
    },
  };
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
  if (returned >= 0) await pushFlashSale(ctx, sessionId, (await flashSaleView(ctx, { sessionId })).sale);
  return returned;
}
