import type { HubContext } from '../../platform/context.ts';
import { stockKey } from '../orders/stockLedger.ts';

export const flashKey = (prefix: string, sessionId: string) => `${prefix}:live:flash:${sessionId}`;

// Ends a sale once: what was not sold goes back to the product's stock counter. KEYS: sale, stock. ARGV: sale id.
const END_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' or redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return -1 end
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
if remaining > 0 and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('INCRBY', KEYS[2], remaining) end
redis.call('HSET', KEYS[1], 'status', 'ended', 'remaining', 0, 'returned', remaining)
return remaining
`;

/** Ends the running sale (host, or its end job); unsold units return to stock exactly once. Returns them, or -1. */
export async function endFlashSale(ctx: HubContext, sessionId: string, saleId: string): Promise<number> {
  const prefix = ctx.config.REDIS_PREFIX;
  const productId = await ctx.redis.hget(flashKey(prefix, sessionId), 'productId');
  if (!productId) return -1;
  return Number(await ctx.redis.eval(END_SCRIPT, 2, flashKey(prefix, sessionId), stockKey(prefix, productId), saleId));
}
