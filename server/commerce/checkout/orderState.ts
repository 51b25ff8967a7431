import { createHash } from 'node:crypto';
import type { AuthUser } from '../../platform/auth/roles.ts';
import type { RedisContext } from '../commerceContext.ts';
import { stockKey } from '../orders/stockKey.ts';

/** Every status an order can have (CONTRACT.md). */
export const ORDER_STATUSES = [
  'placed',
  'paid',
  'shipped',
  'arrived',
  'delivered',
  'completed',
  'cancelled',
  'expired',
  'refund_requested',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses whose order no longer holds stock (a counter rebuild counts only the others). */
export const STOCK_RELEASED: readonly OrderStatus[] = ['cancelled', 'expired', 'refunded'];

export interface HistoryEntry {
  status: OrderStatus;
  at: string;
  /** User id, or `system` (expiry). */
  by: string;
  note?: string;
  /** What happened when the status alone does not say it (e.g. `refund_rejected`: back to the status before the request). */
  event?: string;
}

/** The part of an order that changes after placement: held in Redis, written behind to the order document. */
export interface OrderState {
  status: OrderStatus;
  version: number;
  /** Units this order still holds from the product's stock counter. */
  held: number;
  history: HistoryEntry[];
  /** Payment, shipment, arrival and collection facts merged by transitions (e.g. paymentRef, carrier, arrivedAt). */
  facts: Record<string, unknown>;
}

export const orderStateKey = (prefix: string, orderId: string) => `${prefix}:order-state:${orderId}`;
/** Transitions waiting to be written to the database (oldest at the right). */
export const transitionsKey = (prefix: string) => `${prefix}:orders:transitions`;

// The single writer of an order's status. KEYS: state hash, the product's stock counter, transitions queue.
// ARGV: allowed current statuses (",a,b,"), new status, history entry JSON, '1' when the new status returns the
// held stock, facts JSON to merge, state JSON to start from when Redis has none yet (from the database or the
// write-behind queue), order id, product id, the actor (JSON, for the audit event), the deadline an expiry enforces,
// the version the order must still have ('' = any).
// Expiry, payment, shipping, refunds and pick-up all pass through here, so when two race exactly one wins and
// stock comes back at most once (held drops to 0 when released).
const TRANSITION_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  local init = cjson.decode(ARGV[6])
  redis.call('HSET', KEYS[1], 'status', init.status, 'version', init.version, 'held', init.held,
    'history', cjson.encode(init.history), 'facts', init.factsJson)
end
local status = redis.call('HGET', KEYS[1], 'status')
if not string.find(ARGV[1], ',' .. status .. ',', 1, true) then return {'wrong_state', status} end
local facts = cjson.decode(redis.call('HGET', KEYS[1], 'facts'))
-- An expiry names the deadline it enforces; a checkout that set a new deadline makes the old one stale.
if ARGV[10] ~= '' and facts.deadline ~= nil and facts.deadline ~= ARGV[10] then return {'stale_deadline', status} end
-- A transition decided from what the order looked like (a refund rejection returns to the status read) names its version.
if ARGV[11] ~= '' and redis.call('HGET', KEYS[1], 'version') ~= ARGV[11] then return {'wrong_state', status} end
local history = cjson.decode(redis.call('HGET', KEYS[1], 'history'))
history[#history + 1] = cjson.decode(ARGV[3])
for k, v in pairs(cjson.decode(ARGV[5])) do facts[k] = v end
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
local released = 0
if ARGV[4] == '1' then
  released = tonumber(redis.call('HGET', KEYS[1], 'held'))
  -- A missing counter is rebuilt from database truth, which will count this order as released.
  if released > 0 and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('INCRBY', KEYS[2], released) end
  redis.call('HSET', KEYS[1], 'held', 0)
end
local historyJson = cjson.encode(history)
local factsJson = cjson.encode(facts)
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'history', historyJson, 'facts', factsJson)
redis.call('LPUSH', KEYS[3], cjson.encode({orderId = ARGV[7], productId = ARGV[8], version = version, status = ARGV[2],
  history = historyJson, facts = factsJson, released = released, entry = ARGV[3], actor = ARGV[9]}))
return {'ok', status, tostring(version), tostring(released)}
`;
const TRANSITION_SHA = createHash('sha1').update(TRANSITION_SCRIPT).digest('hex');

export interface TransitionRequest {
  orderId: string;
  productId: string;
  from: readonly OrderStatus[];
  to: OrderStatus;
  note?: string;
  facts?: Record<string, unknown>;
  /** What the order looked like before any transition in Redis (used only if Redis has no state for it). */
  initial: OrderState;
  at?: Date;
  /** For expiries: the deadline token the job enforces (facts.deadline, when set, must equal it). */
  deadline?: string;
  /** The order's state version this transition was decided on; another transition meanwhile makes it wrong_state. */
  expectVersion?: number;
  event?: string;
}

export type TransitionResult =
  | { ok: true; from: OrderStatus; version: number; released: number }
  | { ok: false; status: OrderStatus; staleDeadline?: boolean };

/** Runs one transition through the script; `actor` null is the system (expiry), recorded as `system`. */
export async function transition(ctx: RedisContext, actor: AuthUser | null, t: TransitionRequest): Promise<TransitionResult> {
  const prefix = ctx.config.REDIS_PREFIX;
  const entry: HistoryEntry = {
    status: t.to,
    at: (t.at ?? new Date()).toISOString(),
    by: actor?.id ?? 'system',
    ...(t.note ? { note: t.note } : {}),
    ...(t.event ? { event: t.event } : {}),
  };
  const keys = [orderStateKey(prefix, t.orderId), stockKey(prefix, t.productId), transitionsKey(prefix)];
  const init = {
    status: t.initial.status,
    version: t.initial.version,
    held: t.initial.held,
    history: t.initial.history,
    factsJson: JSON.stringify(t.initial.facts),
  };
  const args = [
    `,${t.from.join(',')},`,
    t.to,
    JSON.stringify(entry),
    STOCK_RELEASED.includes(t.to) ? '1' : '0',
    JSON.stringify(t.facts ?? {}),
    JSON.stringify(init),
    t.orderId,
    t.productId,
    JSON.stringify(actor ? { id: actor.id, username: actor.username, role: actor.role } : null),
    t.deadline ?? '',
    t.expectVersion === undefined ? '' : String(t.expectVersion),
  ];
  let result: [string, string, string?, string?];
  try {
    result = (await ctx.redis.evalsha(TRANSITION_SHA, keys.length, ...keys, ...args)) as typeof result;
  } catch (err) {
    if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
    result = (await ctx.redis.eval(TRANSITION_SCRIPT, keys.length, ...keys, ...args)) as typeof result;
  }
  if (result[0] === 'wrong_state') return { ok: false, status: result[1] as OrderStatus };
  if (result[0] === 'stale_deadline') return { ok: false, status: result[1] as OrderStatus, staleDeadline: true };
  return { ok: true, from: result[1] as OrderStatus, version: Number(result[2]), released: Number(result[3]) };
}

/** The Redis state of an order, or null when no transition happened since it was loaded (the stored order is current). */
export async function readState(ctx: RedisContext, orderId: string): Promise<OrderState | null> {
  const h = await ctx.redis.hgetall(orderStateKey(ctx.config.REDIS_PREFIX, orderId));
  return h.status ? parseState(h) : null;
}

export async function readStates(ctx: RedisContext, orderIds: string[]): Promise<(OrderState | null)[]> {
  if (!orderIds.length) return [];
  const pipeline = ctx.redis.pipeline();
  for (const id of orderIds) pipeline.hgetall(orderStateKey(ctx.config.REDIS_PREFIX, id));
  const results = (await pipeline.exec()) ?? [];
  return results.map(([, h]) => (h && (h as Record<string, string>).status ? parseState(h as Record<string, string>) : null));
}

function parseState(h: Record<string, string>): OrderState {
  // cjson encodes an empty table as {}; facts are an object anyway.
  return {
    status: h.status as OrderStatus,
    version: Number(h.version),
    held: Number(h.held),
    history: JSON.parse(h.history ?? '[]') as HistoryEntry[],
    facts: JSON.parse(h.facts ?? '{}') as Record<string, unknown>,
  };
}
