import { randomUUID } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import type { HubContext } from '../platform/context.ts';
import { queueOptions } from '../platform/queues.ts';
import { componentLogger } from '../platform/logger.ts';
import { isOrderStored, queuedOrders, storedOrdersBefore } from '../commerce/commerceReads.ts';
import { liveSessionIds } from '../live/sessions/sessionReads.ts';
import { subsidyTotalsByProgram } from '../claims/claimReads.ts';
import { approvedProcurementIds, procurementsByIds } from '../claims/awards/awardReads.ts';
import { DAY_KEY_TTL_SECONDS, MINUTE_KEY_TTL_SECONDS, PER_MINUTE_WINDOW, overviewKeys } from './overviewKeys.ts';
import { applyOnce, loadProductFacts, orderOps, productFacts, publish, reversalOps, type JournalEntry } from './overviewCounters.ts';
import { countsAsGmv } from '../commerce/orders/gmv.ts';
import { epochMinute, shanghaiDate, shanghaiDayStart } from './shanghaiTime.ts';
import type { ProcessorRegistration } from '../platform/component.ts';

const log = componentLogger('overview-rebuild');

export const OVERVIEW_REBUILD_QUEUE = 'overview-rebuild';
/** Orders this recent are tracked by id during a rebuild; an order's event follows its acceptance by far less. */
const RECENT_MS = 5 * 60_000;

export interface RebuildResult {
  builtAt: string;
  orders: number;
  totalFen: number;
  caughtUp: number;
  tookMs: number;
}

/**
 * Recomputes every overview counter from the database and swaps the results in atomically.
 * Orders placed while it runs are journalled by the live counters; those after the snapshot's
 * cutoff are re-applied to the new counters, so none is lost or counted twice.
 */
export async function rebuildOverview(
  ctx: HubContext,
  onProgress: (percent: number) => Promise<void> | void = () => {},
): Promise<RebuildResult> {
  const started = Date.now();
  const keys = overviewKeys(ctx.config);
  const token = randomUUID();
  // One rebuild at a time, whoever starts it (the queue, a test, the bench): the flag is also the lock.
  while ((await ctx.redis.set(keys.rebuilding, token, 'EX', 3600, 'NX')) !== 'OK') await new Promise((r) => setTimeout(r, 200));
  await ctx.redis.del(keys.journal, keys.reversedDuringRebuild);
  const cutoff = new Date();
  const today = shanghaiDate(cutoff);
  const staged = new Map<string, string>();
  const stage = (liveKey: string) => {
    const key = keys.staging(`${token}:${liveKey.slice(keys.base.length + 1)}`);
    staged.set(liveKey, key);
    return key;
  };
  try {
    // 1. Every accepted order in GMV before the cutoff, in one streaming pass (the only full scan): summed by
    // product and session, and bucketed for today (Asia/Shanghai) and the last hour. A cursor rather
    // than $group: FerretDB's $group keeps only its first accumulator and is no faster.
    // Orders are written behind (commerce's order persister): accepted orders not yet in the database
    // sit in its `unsaved` hash, so they are added from there. Ids of recent orders are remembered so
    // none is taken twice and the catch-up below knows what the snapshot holds.
    const todayStart = shanghaiDayStart(today);
    const firstMinute = epochMinute(cutoff) - PER_MINUTE_WINDOW + 1;
    const recentFrom = new Date(cutoff.getTime() - RECENT_MS);
    const included = new Set<string>();
    const sums = new Map<string, { productId: string; sessionId: string | null; fen: number; orders: number }>();
    const todaySums = { fen: 0, orders: 0 };
    const perMinute = new Map<number, { fen: number; orders: number }>();
    const take = (o: { id: string; productId: string; sessionId: string | null; amountFen: number; at: Date }) => {
      if (o.at >= recentFrom) included.add(o.id);
      const key = `${o.productId}:${o.sessionId ?? ''}`;
      let entry = sums.get(key);
      if (!entry) {
        entry = { productId: o.productId, sessionId: o.sessionId, fen: 0, orders: 0 };
        sums.set(key, entry);
      }
      entry.fen += o.amountFen;
      entry.orders += 1;
      if (o.at >= todayStart) {
        todaySums.fen += o.amountFen;
        todaySums.orders += 1;
      }
      const minute = epochMinute(o.at);
      if (minute >= firstMinute) {
        const bucket = perMinute.get(minute) ?? { fen: 0, orders: 0 };
        bucket.fen += o.amountFen;
        bucket.orders += 1;
        perMinute.set(minute, bucket);
      }
    };
    // GMV is defined once (commerce/orders/gmv.ts): orders in a reversing status are left out. An order can
    // leave GMV while the scan runs; the live counters then note its id (before its status reaches the
    // database), so an order read here already reversed and found in that set is known to be left out, and
    // the catch-up does not take it out a second time. Checked per 1,000 such orders, only when the set has any.
    const excludedReversed = new Set<string>();
    let reversedUnread: string[] = [];
    const checkReversed = async () => {
      const ids = reversedUnread;
      reversedUnread = [];
      if (!ids.length || !(await ctx.redis.scard(keys.reversedDuringRebuild))) return;
      const pipe = ctx.redis.pipeline();
      for (const id of ids) pipe.sismember(keys.reversedDuringRebuild, id);
      const found = (await pipe.exec()) ?? [];
      found.forEach(([, member], i) => member && excludedReversed.add(ids[i]!));
    };
    const cursor = storedOrdersBefore(cutoff);
    for await (const o of cursor) {
      if (!countsAsGmv(o.status)) {
        // Final: the snapshot holds this order's last word, so a journalled placement of it is not re-applied either.
        if (o.createdAt >= recentFrom) included.add(String(o._id));
        reversedUnread.push(String(o._id));
        if (reversedUnread.length >= 1000) await checkReversed();
        continue;
      }
      take({
        id: String(o._id),
        productId: String(o.productId),
        sessionId: o.sessionId ? String(o.sessionId) : null,
        amountFen: o.amountFen,
        at: o.createdAt,
      });
    }
    await checkReversed();
    const unsaved = await queuedOrders(ctx);
    for (const o of unsaved) {
      const at = new Date(o.createdAt);
      // A queued order is always placed (its transitions wait for it to be written).
      if (!countsAsGmv(o.status) || at >= cutoff || included.has(o._id)) continue;
      // An old order still unsaved means a stalled persister; it may have landed meanwhile.
      if (at < recentFrom && (await isOrderStored(o._id))) continue;
      take({ id: o._id, productId: o.productId, sessionId: o.sessionId, amountFen: o.amountFen, at });
    }
    const groups = [...sums.values()];
    await onProgress(40);
    const facts = await loadProductFacts([...new Set(groups.map((g) => g.productId))]);
    const pipeline = ctx.redis.pipeline();
    let totalFen = 0;
    let orders = 0;
    const add = (map: Map<string, number>, key: string, fen: number) => map.set(key, (map.get(key) ?? 0) + fen);
    const bySession = new Map<string, number>();
    const byBrand = new Map<string, number>();
    const byTownship = new Map<string, number>();
    const byProduct = new Map<string, number>();
    const households = new Set<string>();
    let householdSalesFen = 0;
    for (const g of groups) {
      const productId = g.productId;
      const f = facts.get(productId)!;
      totalFen += g.fen;
      orders += g.orders;
      if (g.sessionId) add(bySession, g.sessionId, g.fen);
      add(byBrand, f.brand, g.fen);
      add(byTownship, f.township, g.fen);
      add(byProduct, productId, g.fen);
      if (f.householdRegistryNo) {
        households.add(f.householdRegistryNo);
        householdSalesFen += g.fen;
      }
    }
    pipeline.hset(stage(keys.total), { fen: totalFen, orders });
    for (const [liveKey, map] of [
      [keys.bySession, bySession],
      [keys.byBrand, byBrand],
      [keys.byTownship, byTownship],
      [keys.byProduct, byProduct],
    ] as const) {
      if (map.size) pipeline.zadd(stage(liveKey), ...[...map].flatMap(([member, fen]) => [fen, member]));
    }
    pipeline.hset(stage(keys.day(today)), todaySums);
    for (let m = firstMinute; m <= epochMinute(cutoff); m += 1) {
      const bucket = perMinute.get(m);
      if (bucket) pipeline.hset(stage(keys.minute(m)), bucket);
      else staged.set(keys.minute(m), ''); // an empty minute: the live key is deleted
    }
    await onProgress(60);

    // 3. Subsidies approved and paid: the claims component's own totals (approved + paid claims' approvedFen,
    // paid claims' paidFen), so the screen and the claims pages agree; procurement behind approved claims.
    const subsidies = await subsidyTotalsByProgram(ctx, ctx.config.HUB_POLICY_VERSION);
    const approved = new Map(subsidies.items.filter((i) => i.approvedFen).map((i) => [i.program as string, i.approvedFen]));
    const paid = new Map(subsidies.items.filter((i) => i.paidFen).map((i) => [i.program as string, i.paidFen]));
    let procurementFen = 0;
    for await (const p of procurementsByIds(await approvedProcurementIds())) {
      procurementFen += p.amountFen;
      households.add(p.householdRegistryNo);
    }
    if (approved.size) pipeline.hset(stage(keys.subsidyApproved), Object.fromEntries(approved));
    if (paid.size) pipeline.hset(stage(keys.subsidyPaid), Object.fromEntries(paid));
    pipeline.hset(stage(keys.poverty), { procurementFen, householdSalesFen });
    if (households.size) pipeline.sadd(stage(keys.povertyHouseholds), ...households);
    const liveIds = await liveSessionIds();
    if (liveIds.length) pipeline.sadd(stage(keys.live), ...liveIds);
    else staged.set(keys.live, '');
    for (const liveKey of [
      keys.bySession,
      keys.byBrand,
      keys.byTownship,
      keys.byProduct,
      keys.subsidyApproved,
      keys.subsidyPaid,
      keys.povertyHouseholds,
    ]) {
      if (!staged.has(liveKey)) staged.set(liveKey, '');
    }
    const wrote = await pipeline.exec();
    for (const [err] of wrote ?? []) if (err) throw err;
    await onProgress(80);

    // 4. Swap in one MULTI: the live counters never show a half-built state.
    const swap = ctx.redis.multi();
    for (const [liveKey, stagingKey] of staged) {
      if (stagingKey) swap.rename(stagingKey, liveKey);
      else swap.del(liveKey);
    }
    swap.expire(keys.day(today), DAY_KEY_TTL_SECONDS);
    for (let m = firstMinute; m <= epochMinute(cutoff); m += 1) swap.expire(keys.minute(m), MINUTE_KEY_TTL_SECONDS);
    swap.set(keys.builtAt, cutoff.toISOString());
    swap.del(keys.rebuilding);
    swap.lrange(keys.journal, 0, -1);
    swap.del(keys.journal);
    swap.del(keys.reversedDuringRebuild);
    const swapped = await swap.exec();
    if (!swapped) throw new Error('overview swap was aborted');
    for (const [err] of swapped) if (err) throw err;
    const journal = swapped[swapped.length - 3]![1] as string[];
    // Viewer counts live only in Redis; drop those of sessions that are no longer live.
    const viewerIds = await ctx.redis.hkeys(keys.viewers);
    const stale = viewerIds.filter((id) => !liveIds.includes(id));
    if (stale.length) await ctx.redis.hdel(keys.viewers, ...stale);

    // 5. Catch up: orders counted live while the rebuild ran that its snapshot does not hold.
    let caughtUp = 0;
    for (const line of journal) {
      const entry = JSON.parse(line) as JournalEntry;
      if (entry.reversal) {
        // Taken out live meanwhile: unless the scan already read the order reversed, its snapshot counted it.
        if (excludedReversed.has(entry.id)) continue;
        const ops = reversalOps(
          keys,
          { productId: entry.productId, sessionId: entry.sessionId, amountFen: entry.amountFen, at: new Date(entry.at) },
          await productFacts(entry.productId),
        );
        if (await applyOnce(ctx.redis, keys, `rebuild-${token}-reversed`, entry.id, ops)) caughtUp += 1;
        continue;
      }
      if (included.has(entry.id)) continue;
      included.add(entry.id);
      const at = new Date(entry.at);
      if (at < cutoff && at < recentFrom) continue; // counted by the snapshot (older than any journalled order can be)
      const ops = orderOps(
        keys,
        { productId: entry.productId, sessionId: entry.sessionId, amountFen: entry.amountFen, at },
        await productFacts(entry.productId),
      );
      if (await applyOnce(ctx.redis, keys, `rebuild-${token}`, entry.id, ops)) caughtUp += 1;
    }
    const version = await ctx.redis.incr(keys.version);
    await publish(ctx, { kind: 'reload', version });
    await onProgress(100);
    const result = { builtAt: cutoff.toISOString(), orders, totalFen, caughtUp, tookMs: Date.now() - started };
    log.info(result, 'overview rebuilt from the database');
    return result;
  } catch (err) {
    await ctx.redis.del(keys.rebuilding, ...[...staged.values()].filter(Boolean));
    throw err;
  }
}

/** The worker-side processor: one rebuild at a time across every worker process. */
export const overviewRebuildProcessor: ProcessorRegistration = {
  queue: OVERVIEW_REBUILD_QUEUE,
  globalConcurrency: 1,
  concurrency: 1,
  process: (job: Job, ctx: HubContext) => rebuildOverview(ctx, (p) => job.updateProgress(p)),
};

/** The web process's handle: schedules the nightly rebuild and one at start when the counters were never built. */
export async function scheduleOverviewRebuilds(ctx: HubContext): Promise<Queue> {
  const queue = new Queue(OVERVIEW_REBUILD_QUEUE, queueOptions(ctx.config));
  await queue.upsertJobScheduler('nightly', { pattern: '10 0 * * *', tz: 'Asia/Shanghai' }, { name: 'rebuild' });
  if (!(await ctx.redis.exists(overviewKeys(ctx.config).builtAt)))
    await queue.add('rebuild', {}, { jobId: 'initial-rebuild', removeOnComplete: true });
  return queue;
}
