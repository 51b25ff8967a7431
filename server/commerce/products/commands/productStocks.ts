import type { RedisContext } from '../../commerceContext.ts';
import { stockKey } from '../../orders/stockLedger.ts';

/** The products' stock counters (null where Redis has none: the stored stock applies). */
export async function liveStocks(ctx: RedisContext, ids: string[]): Promise<(number | null)[]> {
  if (!ids.length) return [];
  const values = await ctx.redis.mget(ids.map((id) => stockKey(ctx.config.REDIS_PREFIX, id)));
  return values.map((v) => (v === null ? null : Number(v)));
}
