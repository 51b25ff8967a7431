/**
 * Benchmark: GET /api/v1/public/overview (incremental Redis counters) beside a naive full
 * aggregation of the same orders and claims, in the same run, over its own FerretDB.
 *
 *   npx tsx bench/overview.ts            # 1,000,000 orders and 10,000 claims
 *   BENCH_ORDERS=200000 npx tsx bench/overview.ts
 *
 * If loading runs slower than BENCH_MAX_LOAD_SECONDS allows for the requested orders, the run
 * scales down to what fits and prints the scale it used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { deleteRedisPrefix, ensureRedis, freePort, startFerretDb } from '../scripts/services.ts';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 10_000);
const MAX_LOAD_SECONDS = Number(process.env.BENCH_MAX_LOAD_SECONDS ?? 900);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const NAIVE_RUNS = Number(process.env.BENCH_NAIVE_RUNS ?? 1);
const BATCH = 10_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const ms = (v: number) => `${v.toFixed(2)} ms`;
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1]! };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  const port = await freePort();
  say(`starting FerretDB in ${dataDir} on port ${port}`);
  const ferret = await startFerretDb(path.join(dataDir, 'ferretdb'), port, path.join(dataDir, 'ferretdb.log'));
  const redisService = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', path.join(dataDir, 'redis'));
  Object.assign(process.env, {
    MONGODB_URI: `mongodb://127.0.0.1:${port}/hub_bench`,
    REDIS_PREFIX: `bench${process.pid}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    HUB_BCRYPT_ROUNDS: '4',
  });
  // Imported after the environment is set: the logger reads LOG_LEVEL when it loads.
  const { startHub } = await import('../server/startHub.ts');
  const { rebuildOverview } = await import('../server/openness/overviewRebuild.ts');
  const { groupedSums } = await import('../server/platform/aggregate.ts');
  const { loadProductFacts } = await import('../server/openness/overviewCounters.ts');
  const { OrderModel } = await import('../server/commerce/orders/order.model.ts');
  const { ProductModel } = await import('../server/commerce/products/product.model.ts');
  const { LiveSessionModel } = await import('../server/live/sessions/session.model.ts');
  const { ClaimModel } = await import('../server/claims/claim.model.ts');
  const { APPROVED_STATUSES } = await import('../server/claims/ledgerService.ts');
  const { OrgModel } = await import('../server/registry/orgs/org.model.ts');
  const { TOWNSHIPS, PUBLIC_BRANDS } = await import('../config/places.ts');
  const { PROGRAMS } = await import('../config/policies/types.ts');

  const hub = await startHub({ listen: { port: 0, host: '127.0.0.1' } });
  const { ctx } = hub;
  try {
    // Reference data: enterprises, products (brands and townships), sessions.
    const oid = () => new mongoose.Types.ObjectId();
    const orgs = TOWNSHIPS.map((township, i) => ({
      _id: oid(),
      type: 'enterprise',
      name: `企业${i}`,
      township,
      createdAt: new Date(),
      updatedAt: new Date(),
    }));
    await OrgModel.collection.insertMany(orgs);
    const products = Array.from({ length: 200 }, (_, i) => ({
      _id: oid(),
      enterpriseId: orgs[i % orgs.length]!._id,
      name: `产品${i}`,
      category: i % 2 ? 'ceramic' : 'farm',
      priceFen: 1000 + i * 37,
      stock: 1e6,
      householdRegistryNo: i % 10 === 0 ? `HH-${i}` : null,
      brand: PUBLIC_BRANDS[i % PUBLIC_BRANDS.length],
      township: TOWNSHIPS[i % TOWNSHIPS.length],
      active: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    }));
    await ProductModel.collection.insertMany(products);
    const sessions = Array.from({ length: 500 }, (_, i) => ({
      _id: oid(),
      studioId: oid(),
      baseId: oid(),
      associationId: orgs[0]!._id,
      hostUserId: oid(),
      title: `专场${i}`,
      startsAt: new Date(Date.now() - i * 3600_000),
      endsAt: new Date(Date.now() - i * 3600_000 + 1800_000),
      productIds: [],
      status: i < 5 ? 'live' : 'ended',
      createdBy: oid(),
      createdAt: new Date(),
      updatedAt: new Date(),
    }));
    await LiveSessionModel.collection.insertMany(sessions);

    // Orders: bulk insertMany in batches, watching the rate to scale down honestly if needed.
    let target = ORDERS;
    let loaded = 0;
    const buyer = oid();
    const loadStart = performance.now();
    while (loaded < target) {
      const n = Math.min(BATCH, target - loaded);
      const docs = Array.from({ length: n }, (_, k) => {
        const i = loaded + k;
        const product = products[(i * 7919) % products.length]!;
        const quantity = 1 + (i % 3);
        const createdAt = new Date(Date.now() - ((i * 104729) % (30 * 24 * 3600_000)));
        return {
          productId: product._id,
          enterpriseId: product.enterpriseId,
          buyerUserId: buyer,
          quantity,
          unitPriceFen: product.priceFen,
          amountFen: product.priceFen * quantity,
          sessionId: i % 4 === 0 ? null : sessions[i % sessions.length]!._id,
          idempotencyKey: `bench-${i}`,
          status: 'placed',
          createdAt,
          updatedAt: createdAt,
        };
      });
      await OrderModel.collection.insertMany(docs, { ordered: false });
      loaded += n;
      const seconds = (performance.now() - loadStart) / 1000;
      const rate = loaded / seconds;
      if (loaded === 50_000 && target > loaded && target / rate > MAX_LOAD_SECONDS) {
        target = Math.max(loaded, Math.floor((rate * MAX_LOAD_SECONDS) / BATCH) * BATCH);
        say(
          `loading at ${Math.round(rate)} orders/s: ${ORDERS} would take ${Math.round(ORDERS / rate)} s; scaling down to ${target} orders`,
        );
      }
      if (loaded % 100_000 === 0 || loaded === target) say(`  orders loaded: ${loaded}/${target} (${Math.round(rate)} orders/s)`);
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const claimDocs = Array.from({ length: CLAIMS }, (_, i) => {
      const paid = i % 3 === 0;
      const approvedFen = 10_000 + (i % 1000) * 100;
      const at = new Date(Date.now() - i * 60_000);
      return {
        program: PROGRAMS[i % PROGRAMS.length],
        policyVersion: 'dehua-2020',
        orgId: orgs[i % orgs.length]!._id,
        filerUserId: buyer,
        status: paid ? 'paid' : 'approved',
        approvedFen,
        paidFen: paid ? approvedFen : null,
        claimedFen: approvedFen,
        reviewedAt: at,
        history: [{ status: 'approved', at, by: 'bench' }],
        items: [],
        trace: [],
        procurementIds: [],
        createdAt: at,
        updatedAt: at,
      };
    });
    for (let i = 0; i < claimDocs.length; i += BATCH) await ClaimModel.collection.insertMany(claimDocs.slice(i, i + BATCH));
    say(`loaded ${loaded} orders in ${loadSeconds.toFixed(1)} s (${Math.round(loaded / loadSeconds)} orders/s) and ${CLAIMS} claims`);

    // The counters are built once from the database (the nightly job), then maintained by events.
    const rebuilt = await rebuildOverview(ctx);
    say(`rebuild from the database (BullMQ job body): ${(rebuilt.tookMs / 1000).toFixed(2)} s for ${rebuilt.orders} orders`);

    const url = `http://127.0.0.1:${hub.port}/api/v1/public/overview`;
    for (let i = 0; i < 50; i += 1) await (await fetch(url)).arrayBuffer(); // warm-up
    const samples: number[] = [];
    let lastBody: any = null;
    for (let i = 0; i < REQUESTS; i += 1) {
      const t0 = performance.now();
      const res = await fetch(url);
      lastBody = await res.json();
      samples.push(performance.now() - t0);
    }
    if (lastBody.gmv.ordersTotal !== loaded) throw new Error(`overview shows ${lastBody.gmv.ordersTotal} orders, ${loaded} were loaded`);

    // Naive: what an endpoint recomputing from every order and claim on each request would do.
    const naive: number[] = [];
    for (let i = 0; i < NAIVE_RUNS; i += 1) {
      const t0 = performance.now();
      // One $group per figure (FerretDB keeps only a stage's first accumulator): GMV by product, then order counts.
      const gmv = await OrderModel.aggregate<{ _id: mongoose.Types.ObjectId; v: number }>([
        { $match: { status: 'placed' } },
        { $group: { _id: '$productId', v: { $sum: '$amountFen' } } },
      ]);
      const facts = await loadProductFacts(gmv.map((g) => String(g._id)));
      let totalFen = 0;
      const byBrand = new Map<string, number>();
      for (const g of gmv) {
        totalFen += g.v;
        const brand = facts.get(String(g._id))!.brand;
        byBrand.set(brand, (byBrand.get(brand) ?? 0) + g.v);
      }
      await groupedSums(ClaimModel, { status: { $in: [...APPROVED_STATUSES] } }, '$program', {
        approvedFen: '$approvedFen',
        paidFen: '$paidFen',
      });
      naive.push(performance.now() - t0);
      if (totalFen !== lastBody.gmv.totalFen)
        throw new Error(`naive total ${totalFen} differs from the overview's ${lastBody.gmv.totalFen}`);
      say(`  naive full aggregation run ${i + 1}/${NAIVE_RUNS}: ${ms(naive[naive.length - 1]!)}`);
    }

    const fast = summary(samples);
    const slow = summary(naive);
    say('');
    say(
      `scale: ${loaded} orders${loaded < ORDERS ? ` (scaled down from ${ORDERS})` : ''}, ${CLAIMS} claims, FerretDB 1.24 (SQLite) + Redis, ${os.cpus().length} cores`,
    );
    say(
      `GET /public/overview  n=${fast.n}  p50 ${ms(fast.p50)}  p95 ${ms(fast.p95)}  p99 ${ms(fast.p99)}  max ${ms(fast.max)}  (target p99 < 50 ms: ${fast.p99 < 50 ? 'met' : 'NOT met'})`,
    );
    say(`naive aggregation     n=${slow.n}  p50 ${ms(slow.p50)}  max ${ms(slow.max)}`);
    say(`ratio (naive p50 / overview p50): ${Math.round(slow.p50 / fast.p50)}×`);
  } finally {
    await hub.stop({ beforeDisconnect: (c) => deleteRedisPrefix(c.redis, c.config.REDIS_PREFIX) });
    await ferret.stop();
    await redisService?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
