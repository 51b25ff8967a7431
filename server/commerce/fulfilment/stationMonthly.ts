import type { Redis } from 'ioredis';
import type { RedisContext } from '../commerceContext.ts';
import { stationList } from '../../registry/orgs/orgReads.ts';

/**
 * Station throughput for the big screen: parcels that arrived at each station, and of those picked up, per
 * Beijing-time month of arrival (the same rule as fulfilmentQueries.stationThroughput, which recounts one
 * station's orders for its claim view). Counted by the transition persister as it writes each arrival and
 * pick-up, once per order and transition (a seen key), so the screen reads a hash rather than orders.
 */
export const stationMonthKey = (prefix: string, month: string) => `${prefix}:stations:month:${month}`;
const seenKey = (prefix: string, orderId: string, what: string) => `${prefix}:stations:seen:${what}:${orderId}`;
const KEEP_SECONDS = 400 * 86_400;

export const beijingMonth = (at: Date | string) => new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 7);

// KEYS: seen, month hash. ARGV: field, seen ttl, hash ttl. Counts once per order and kind.
const COUNT_ONCE = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[2])) == false then return false end
local v = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
return v
`;

type Listener = (e: { stationOrgId: string; month: string }) => Promise<void>;
const listeners = new Set<Listener>();
/** Subscribes to counted station parcels (the big screen refreshes); returns the unsubscribe. */
export function onStationParcel(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * An order arrived at (`arrived`) or was picked up from (`pickedUp`) a station; `arrivedAt` names the month.
 * A low-level counter of the transition persister (which holds the Redis client), not an operation.
 */
export async function countStationParcel(
  redis: Redis,
  prefix: string,
  kind: 'arrived' | 'pickedUp',
  orderId: string,
  stationOrgId: string,
  arrivedAt: string,
): Promise<void> {
  const month = beijingMonth(arrivedAt);
  const field = `${stationOrgId}:${kind === 'arrived' ? 'parcels' : 'pickedUp'}`;
  const counted = await redis.eval(
    COUNT_ONCE,
    2,
    seenKey(prefix, orderId, kind),
    stationMonthKey(prefix, month),
    field,
    KEEP_SECONDS,
    KEEP_SECONDS,
  );
  if (counted !== null) await Promise.all([...listeners].map((l) => l({ stationOrgId, month })));
}

export interface StationMonthRow {
  stationOrgId: string;
  name: string;
  township: string | null;
  parcels: number;
  pickedUp: number;
}

/** Every station's parcels in a month, busiest first; stations with none are listed too (the bureau sees which serve no one). */
export async function stationMonth(ctx: RedisContext, month: string): Promise<StationMonthRow[]> {
  const [counts, stations] = await Promise.all([ctx.redis.hgetall(stationMonthKey(ctx.config.REDIS_PREFIX, month)), stationList()]);
  return stations
    .map((s) => ({
      stationOrgId: String(s._id),
      name: s.name,
      township: s.township ?? null,
      parcels: Number(counts[`${String(s._id)}:parcels`] ?? 0),
      pickedUp: Number(counts[`${String(s._id)}:pickedUp`] ?? 0),
    }))
    .sort((a, b) => b.parcels - a.parcels || a.name.localeCompare(b.name, 'zh-CN'));
}
