import type { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { hubEvents, type HubEvents } from '../platform/events.ts';
import type { HubContext } from '../platform/context.ts';
import { componentLogger } from '../platform/logger.ts';
import { batchFactsOf, productFactsOf } from '../commerce/commerceReads.ts';
import { orgTownships } from '../registry/orgs/orgReads.ts';
import { sessionTitle as storedSessionTitle } from '../live/sessions/sessionReads.ts';
import { claimProcurements } from '../claims/claimReads.ts';
import { onGmvReversal, type GmvReversal } from '../commerce/orders/gmvReversals.ts';
import { onStationParcel } from '../commerce/fulfilment/stationMonthly.ts';
import {
  DAY_KEY_TTL_SECONDS,
  MINUTE_KEY_TTL_SECONDS,
  PER_MINUTE_WINDOW,
  NO_BRAND,
  NO_TOWNSHIP,
  overviewKeys,
  type OverviewKeys,
} from './overviewKeys.ts';
import { epochMinute, shanghaiDate } from './shanghaiTime.ts';

const log = componentLogger('overview');

/**
 * Applies a list of counter operations atomically, once per event: the `seen` key (SET NX) makes a
 * redelivered event a no-op. While a rebuild runs, orders (and orders leaving GMV, whose ids also go
 * into a set the rebuild's scan consults) are journalled so the rebuild can re-apply what its snapshot
 * did not see. Returns each operation's new value, then the new overview version.
 * KEYS: seen, version, rebuilding flag, journal, reversed-during-rebuild set, one key per op.
 * ARGV: seen ttl, op count, journal entry ('' = none), reversed order id ('' = none), then (type, field, amount, ttl) per op.
 */
const APPLY_LUA = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[1])) == false then return false end
if ARGV[3] ~= '' and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('RPUSH', KEYS[4], ARGV[3])
  if ARGV[4] ~= '' then redis.call('SADD', KEYS[5], ARGV[4]) end
end
local out = {}
local a = 5
for i = 1, tonumber(ARGV[2]) do
  local key = KEYS[i + 5]
  local op, field, amount, ttl = ARGV[a], ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3])
  a = a + 4
  local v
  if op == 'h' then v = redis.call('HINCRBY', key, field, amount)
  elseif op == 'z' then v = redis.call('ZINCRBY', key, amount, field)
  else redis.call('SADD', key, field); v = redis.call('SCARD', key) end
  if ttl > 0 then redis.call('EXPIRE', key, ttl) end
  out[i] = tostring(v)
end
out[#out + 1] = tostring(redis.call('INCR', KEYS[2]))
return out
`;

/**
 * Live sessions: a set of ids and their viewer counts. KEYS: live, viewers, version.
 * ARGV: action (start|end|viewers), session id, viewers. Viewer reports for a session that is not live are ignored.
 */
const SESSION_LUA = `
local action, id = ARGV[1], ARGV[2]
if action == 'start' then redis.call('SADD', KEYS[1], id)
elseif action == 'end' then redis.call('SREM', KEYS[1], id); redis.call('HDEL', KEYS[2], id)
elseif redis.call('SISMEMBER', KEYS[1], id) == 1 then redis.call('HSET', KEYS[2], id, ARGV[3]) end
local total = 0
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do total = total + tonumber(v) end
return { redis.call('SCARD', KEYS[1]), total, redis.call('INCR', KEYS[3]) }
`;

const SEEN_TTL_SECONDS = 7 * 24 * 3600;

/** What the live counters journal about an order while a rebuild runs: enough to count it (or take it out) again. */
export interface JournalEntry {
  id: string;
  productId: string;
  sessionId: string | null;
  amountFen: number;
  /** When the order was placed. */
  at: string;
  /** The order left GMV (commerce/orders/gmv.ts) rather than entered it. */
  reversal?: true;
}

export type Op = { type: 'h' | 'z' | 's'; key: string; field: string; amount?: number; ttl?: number };

export async function applyOnce(
  redis: Redis,
  keys: OverviewKeys,
  event: string,
  id: string,
  ops: Op[],
  journalId = '',
  reversedOrderId = '',
): Promise<{ values: string[]; version: number } | null> {
  const argv: (string | number)[] = [SEEN_TTL_SECONDS, ops.length, journalId, reversedOrderId];
  for (const op of ops) argv.push(op.type, op.field, op.amount ?? 0, op.ttl ?? 0);
  const result = (await redis.eval(
    APPLY_LUA,
    5 + ops.length,
    keys.seen(event, id),
    keys.version,
    keys.rebuilding,
    keys.journal,
    keys.reversedDuringRebuild,
    ...ops.map((o) => o.key),
    ...argv,
  )) as string[] | null;
  if (!result) return null;
  return { values: result.slice(0, -1), version: Number(result[result.length - 1]) };
}

/** What the screen needs to know about a product, cached briefly (products rarely change brand or place). */
export interface ProductFacts {
  name: string;
  brand: string;
  township: string;
  householdRegistryNo: string | null;
}
const productCache = new Map<string, { facts: ProductFacts; until: number }>();
const titleCache = new Map<string, { title: string; until: number }>();
const CACHE_MS = 60_000;

export async function productFacts(productId: string): Promise<ProductFacts> {
  const cached = productCache.get(productId);
  if (cached && cached.until > Date.now()) return cached.facts;
  const facts = (await loadProductFacts([productId])).get(productId)!;
  productCache.set(productId, { facts, until: Date.now() + CACHE_MS });
  return facts;
}

/**
 * Products' brand, township and household, loaded in batches (never one query per order). A product
 * without its own brand or township takes them from its latest batch (the GI mark on a ceramic batch,
 * the regional brand and township of a farm batch), then from its enterprise's township.
 */
export async function loadProductFacts(productIds: string[]): Promise<Map<string, ProductFacts>> {
  const facts = new Map<string, ProductFacts>();
  const valid = productIds.filter((id) => mongoose.isValidObjectId(id));
  for (let i = 0; i < valid.length; i += 1000) {
    const chunk = valid.slice(i, i + 1000);
    const products = await productFactsOf(chunk);
    const needBatch = products.filter((p) => !p.brand || !p.township).map((p) => p._id);
    const batches = needBatch.length ? await batchFactsOf(needBatch) : [];
    const latestBatch = new Map(batches.map((b) => [String(b.productId), b]));
    const orgIds = [...new Set(products.map((p) => String(p.enterpriseId)))];
    const orgs = orgIds.length ? await orgTownships(orgIds) : [];
    const orgTownship = new Map(orgs.map((o) => [String(o._id), o.township ?? null]));
    for (const p of products) {
      const batch = latestBatch.get(String(p._id));
      facts.set(String(p._id), {
        name: p.name,
        brand: p.brand || batch?.ceramic?.giMark || batch?.farm?.brand || NO_BRAND,
        township: p.township || batch?.farm?.township || orgTownship.get(String(p.enterpriseId)) || NO_TOWNSHIP,
        householdRegistryNo: p.householdRegistryNo ?? null,
      });
    }
  }
  for (const id of productIds)
    if (!facts.has(id)) facts.set(id, { name: id, brand: NO_BRAND, township: NO_TOWNSHIP, householdRegistryNo: null });
  return facts;
}

export async function sessionTitle(sessionId: string): Promise<string> {
  const cached = titleCache.get(sessionId);
  if (cached && cached.until > Date.now()) return cached.title;
  const title = (await storedSessionTitle(sessionId)) ?? sessionId;
  titleCache.set(sessionId, { title, until: Date.now() + CACHE_MS });
  return title;
}

/** A push to every screen: the new absolute values of the figures an event touched. */
export type OverviewPush =
  | {
      kind: 'order';
      version: number;
      at: string;
      day: string;
      totalFen: number;
      ordersTotal: number;
      todayFen: number;
      ordersToday: number;
      minute: { t: number; fen: number; orders: number };
      session: { id: string; title: string; fen: number } | null;
      brand: { name: string; fen: number };
      township: { name: string; fen: number };
      product: { id: string; name: string; fen: number };
      poverty: { householdsBenefiting: number; householdSalesFen: number } | null;
    }
  | {
      kind: 'subsidy';
      version: number;
      program: string;
      approvedFen: number;
      paidFen: number;
      poverty: { householdsBenefiting: number; procurementFen: number } | null;
    }
  | { kind: 'sessions'; version: number; liveNow: number; viewers: number }
  /** The counters were rebuilt: screens fetch a new snapshot. */
  | { kind: 'reload'; version: number };

export async function publish(ctx: HubContext, push: OverviewPush): Promise<void> {
  await ctx.redis.publish(overviewKeys(ctx.config).channel, JSON.stringify(push));
}

/** The counter operations of one order; shared by live counting and the rebuild's catch-up. */
export function orderOps(
  keys: OverviewKeys,
  order: { productId: string; sessionId: string | null; amountFen: number; at: Date },
  facts: ProductFacts,
): Op[] {
  const e = order;
  const day = shanghaiDate(e.at);
  const minute = epochMinute(e.at);
  const ops: Op[] = [
    { type: 'h', key: keys.total, field: 'fen', amount: e.amountFen },
    { type: 'h', key: keys.total, field: 'orders', amount: 1 },
    { type: 'h', key: keys.day(day), field: 'fen', amount: e.amountFen, ttl: DAY_KEY_TTL_SECONDS },
    { type: 'h', key: keys.day(day), field: 'orders', amount: 1, ttl: DAY_KEY_TTL_SECONDS },
    { type: 'h', key: keys.minute(minute), field: 'fen', amount: e.amountFen, ttl: MINUTE_KEY_TTL_SECONDS },
    { type: 'h', key: keys.minute(minute), field: 'orders', amount: 1, ttl: MINUTE_KEY_TTL_SECONDS },
    { type: 'z', key: keys.byBrand, field: facts.brand, amount: e.amountFen },
    { type: 'z', key: keys.byTownship, field: facts.township, amount: e.amountFen },
    { type: 'z', key: keys.byProduct, field: e.productId, amount: e.amountFen },
  ];
  if (e.sessionId) ops.push({ type: 'z', key: keys.bySession, field: e.sessionId, amount: e.amountFen });
  if (facts.householdRegistryNo) {
    ops.push({ type: 'h', key: keys.poverty, field: 'householdSalesFen', amount: e.amountFen });
    ops.push({ type: 's', key: keys.povertyHouseholds, field: facts.householdRegistryNo });
  }
  return ops;
}

/**
 * The operations that take an order back out of GMV: its placement's, negated. Day and minute buckets only
 * while they are still the ones the screen shows (today, the last hour) and a rebuild would recompute; an
 * older bucket has expired or is never read. A household stays among those reached (its other sales may stand).
 */
export function reversalOps(
  keys: OverviewKeys,
  order: { productId: string; sessionId: string | null; amountFen: number; at: Date },
  facts: ProductFacts,
  now = new Date(),
): Op[] {
  const today = keys.day(shanghaiDate(now));
  const firstMinute = epochMinute(now) - PER_MINUTE_WINDOW + 1;
  const currentMinutes = new Set(Array.from({ length: PER_MINUTE_WINDOW }, (_, i) => keys.minute(firstMinute + i)));
  return orderOps(keys, order, facts)
    .filter((op) => op.type !== 's')
    .filter((op) => !op.key.startsWith(`${keys.base}:day:`) || op.key === today)
    .filter((op) => !op.key.startsWith(`${keys.base}:minute:`) || currentMinutes.has(op.key))
    .map((op) => ({ ...op, amount: -(op.amount ?? 0) }));
}

/** An order left GMV (cancelled, expired, refunded): its amount comes off every figure it was counted in. */
export async function countReversal(ctx: HubContext, r: GmvReversal): Promise<void> {
  const keys = overviewKeys(ctx.config);
  const facts = await productFacts(r.productId);
  const order = { productId: r.productId, sessionId: r.sessionId, amountFen: r.amountFen, at: new Date(r.placedAt) };
  const journal: JournalEntry = {
    id: r.orderId,
    productId: r.productId,
    sessionId: r.sessionId,
    amountFen: r.amountFen,
    at: order.at.toISOString(),
    reversal: true,
  };
  const applied = await applyOnce(
    ctx.redis,
    keys,
    'order.reversed',
    r.orderId,
    reversalOps(keys, order, facts),
    JSON.stringify(journal),
    r.orderId,
  );
  // Rankings may reorder and the ticker's sums fall: screens take a fresh snapshot.
  if (applied) await publish(ctx, { kind: 'reload', version: applied.version });
}

export async function countOrder(ctx: HubContext, e: HubEvents['order.placed']): Promise<void> {
  const keys = overviewKeys(ctx.config);
  const facts = await productFacts(e.productId);
  const at = new Date(e.at);
  const day = shanghaiDate(at);
  const minute = epochMinute(at);
  const ops = orderOps(keys, { productId: e.productId, sessionId: e.sessionId, amountFen: e.amountFen, at }, facts);
  const journal: JournalEntry = {
    id: e.orderId,
    productId: e.productId,
    sessionId: e.sessionId,
    amountFen: e.amountFen,
    at: at.toISOString(),
  };
  const applied = await applyOnce(ctx.redis, keys, 'order', e.orderId, ops, JSON.stringify(journal));
  if (!applied) return;
  const v = applied.values.map(Number);
  await publish(ctx, {
    kind: 'order',
    version: applied.version,
    at: at.toISOString(),
    day,
    totalFen: v[0]!,
    ordersTotal: v[1]!,
    todayFen: v[2]!,
    ordersToday: v[3]!,
    minute: { t: minute, fen: v[4]!, orders: v[5]! },
    brand: { name: facts.brand, fen: v[6]! },
    township: { name: facts.township, fen: v[7]! },
    product: { id: e.productId, name: facts.name, fen: v[8]! },
    session: e.sessionId ? { id: e.sessionId, title: await sessionTitle(e.sessionId), fen: v[9]! } : null,
    poverty: facts.householdRegistryNo
      ? { householdSalesFen: v[e.sessionId ? 10 : 9]!, householdsBenefiting: v[e.sessionId ? 11 : 10]! }
      : null,
  });
}

export async function countApproval(ctx: HubContext, e: HubEvents['claim.approved']): Promise<void> {
  const keys = overviewKeys(ctx.config);
  const ops: Op[] = [{ type: 'h', key: keys.subsidyApproved, field: e.program, amount: e.amountFen }];
  let procurement: { amountFen: number; households: string[] } | null = null;
  if (e.program === 'poverty_procurement') {
    procurement = await claimProcurements(e.claimId);
    ops.push({ type: 'h', key: keys.poverty, field: 'procurementFen', amount: procurement.amountFen });
    for (const registryNo of procurement.households) ops.push({ type: 's', key: keys.povertyHouseholds, field: registryNo });
  }
  const applied = await applyOnce(ctx.redis, keys, 'claim.approved', e.claimId, ops);
  if (!applied) return;
  const paidFen = Number((await ctx.redis.hget(keys.subsidyPaid, e.program)) ?? 0);
  const householdsBenefiting = procurement ? await ctx.redis.scard(keys.povertyHouseholds) : 0;
  await publish(ctx, {
    kind: 'subsidy',
    version: applied.version,
    program: e.program,
    approvedFen: Number(applied.values[0]),
    paidFen,
    poverty: procurement ? { procurementFen: Number(applied.values[1]), householdsBenefiting } : null,
  });
}

export async function countPayment(ctx: HubContext, e: HubEvents['claim.paid']): Promise<void> {
  const keys = overviewKeys(ctx.config);
  const applied = await applyOnce(ctx.redis, keys, 'claim.paid', e.claimId, [
    { type: 'h', key: keys.subsidyPaid, field: e.program, amount: e.amountFen },
  ]);
  if (!applied) return;
  const approvedFen = Number((await ctx.redis.hget(keys.subsidyApproved, e.program)) ?? 0);
  await publish(ctx, {
    kind: 'subsidy',
    version: applied.version,
    program: e.program,
    approvedFen,
    paidFen: Number(applied.values[0]),
    poverty: null,
  });
}

export async function countSession(ctx: HubContext, action: 'start' | 'end' | 'viewers', sessionId: string, viewers = 0): Promise<void> {
  const keys = overviewKeys(ctx.config);
  const [liveNow, totalViewers, version] = (await ctx.redis.eval(
    SESSION_LUA,
    3,
    keys.live,
    keys.viewers,
    keys.version,
    action,
    sessionId,
    viewers,
  )) as number[];
  await publish(ctx, { kind: 'sessions', version: version!, liveNow: liveNow!, viewers: totalViewers! });
}

const running = new WeakMap<HubContext, () => void>();

/**
 * Subscribes the overview counters to this process's domain events. Called by the web process
 * (the openness component's start) and by the worker process (workers/main.ts), because each
 * event is only seen in the process that produced it. Safe to call twice for one context.
 */
export function startOverviewCounters(ctx: HubContext): void {
  if (running.has(ctx)) return;
  const guard = (what: string, work: () => Promise<void>) =>
    work().catch((err) => log.error({ err, event: what }, 'overview counter update failed; the next rebuild corrects it'));
  const offs = [
    hubEvents.on('order.placed', (e) => guard('order.placed', () => countOrder(ctx, e))),
    // Awaited by the transition persister before it writes the status (see overviewRebuild.ts).
    onGmvReversal((r) => guard('order.reversed', () => countReversal(ctx, r))),
    // A parcel arrived at or was picked up from a station: screens take a fresh snapshot (its station panel).
    onStationParcel(() =>
      guard('station.parcel', async () =>
        publish(ctx, { kind: 'reload', version: await ctx.redis.incr(overviewKeys(ctx.config).version) }),
      ),
    ),
    hubEvents.on('claim.approved', (e) => guard('claim.approved', () => countApproval(ctx, e))),
    hubEvents.on('claim.paid', (e) => guard('claim.paid', () => countPayment(ctx, e))),
    hubEvents.on('session.started', (e) => guard('session.started', () => countSession(ctx, 'start', e.sessionId))),
    hubEvents.on('session.ended', (e) => guard('session.ended', () => countSession(ctx, 'end', e.sessionId))),
    hubEvents.on('session.viewers', (e) => guard('session.viewers', () => countSession(ctx, 'viewers', e.sessionId, e.viewers))),
  ];
  running.set(ctx, () => offs.forEach((off) => off()));
}

export function stopOverviewCounters(ctx: HubContext): void {
  running.get(ctx)?.();
  running.delete(ctx);
}

/** Drop cached product facts and titles (tests and rebuilds after bulk edits). */
export function forgetOverviewCaches(): void {
  productCache.clear();
  titleCache.clear();
}
