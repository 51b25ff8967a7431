/**
 * Benchmark: orders per second through HTTP (POST /api/v1/orders with Idempotency-Key, attributed to a
 * live session), beside the raw rate of the Redis stock script alone, in the same run.
 *
 *   npx tsx bench/orders.ts
 *   BENCH_SECONDS=20 BENCH_CONCURRENCY=128 npx tsx bench/orders.ts
 *
 * The hub runs as `npm start` runs it (server/main.ts with HUB_WEB_PROCESSES web processes behind one port,
 * its own FerretDB and append-only Redis); the HTTP load comes from a child process (as real clients would
 * be elsewhere). BENCH_WEB_PROCESSES=1 measures a single web process. Every 10th request retries an earlier key, which must return the earlier order.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { percentile, say } from './liveBenchHub.ts';
import { httpClient, startClusterBenchHub } from './clusterBenchHub.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const BUYERS = Number(process.env.BENCH_BUYERS ?? 50);
const TARGET = 2000;
/** Web processes behind the one port, as `npm start` runs (HUB_WEB_PROCESSES). */
const WEB_PROCESSES = Number(process.env.BENCH_WEB_PROCESSES ?? os.availableParallelism());

interface LoadPlan {
  baseUrl: string;
  tokens: string[];
  productId: string;
  sessionId: string;
  seconds: number;
  concurrency: number;
}
interface LoadResult {
  sent: number;
  created: number;
  replays: number;
  replayMismatches: number;
  errors: Record<string, number>;
  latencies: number[];
  elapsedMs: number;
  quantity: number;
}

/** The child: closed-loop clients, each waiting for its answer before sending the next order. */
async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const result: LoadResult = { sent: 0, created: 0, replays: 0, replayMismatches: 0, errors: {}, latencies: [], elapsedMs: 0, quantity: 0 };
  const history: { token: string; key: string; id: string }[] = [];
  const started = performance.now();
  const deadline = started + plan.seconds * 1000;
  const client = async (worker: number) => {
    let n = 0;
    while (performance.now() < deadline) {
      n += 1;
      const retry = n % 10 === 0 && history.length > 0 ? history[Math.floor(Math.random() * history.length)]! : null;
      const token = retry?.token ?? plan.tokens[(worker + n) % plan.tokens.length]!;
      const key = retry?.key ?? randomUUID();
      const t0 = performance.now();
      const res = await fetch(`${plan.baseUrl}/api/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
        body: JSON.stringify({ productId: plan.productId, quantity: 1, sessionId: plan.sessionId }),
      });
      const body = (await res.json()) as { id?: string };
      result.latencies.push(performance.now() - t0);
      result.sent += 1;
      if (res.status !== 201) result.errors[res.status] = (result.errors[res.status] ?? 0) + 1;
      else if (retry) {
        result.replays += 1;
        if (body.id !== retry.id) result.replayMismatches += 1;
      } else {
        result.created += 1;
        result.quantity += 1;
        if (history.length < 5000) history.push({ token, key, id: body.id! });
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, (_, i) => client(i)));
  result.elapsedMs = performance.now() - started;
  return result;
}

function loadFromChild(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--load'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`load process exited with ${code}`)));
    child.send(plan);
  });
}

async function main(): Promise<void> {
  say(
    `orders bench: ${SECONDS} s, ${CONCURRENCY} concurrent HTTP clients, ${BUYERS} buyers, 1 live session, ${WEB_PROCESSES} web processes (as npm start), append-only Redis (appendfsync always)`,
  );
  const hub = await startClusterBenchHub({ webProcesses: WEB_PROCESSES, quiet: true });
  const mongoose = (await import('mongoose')).default;
  try {
    const { redis } = hub;
    const prefix = 'hub';
    const client = httpClient(hub.baseUrl);
    const world = await client.liveWorld(10_000_000);
    const tokens = [];
    for (let i = 0; i < BUYERS; i += 1) tokens.push((await world.user('bureau')).token);
    const { stockKey, pendingOrdersKey, unsavedOrdersKey, reserveStock } = await import('../server/commerce/orders/stockLedger.ts');
    const stockBefore = Number(await redis.get(stockKey(prefix, world.product.id)));

    // Warm-up: connections, JIT, caches.
    await loadFromChild({
      baseUrl: hub.baseUrl,
      tokens,
      productId: world.product.id,
      sessionId: world.session.id,
      seconds: 1,
      concurrency: 8,
    });
    const warmSold = stockBefore - Number(await redis.get(stockKey(prefix, world.product.id)));

    const load = await loadFromChild({
      baseUrl: hub.baseUrl,
      tokens,
      productId: world.product.id,
      sessionId: world.session.id,
      seconds: SECONDS,
      concurrency: CONCURRENCY,
    });
    const seconds = load.elapsedMs / 1000;
    const sorted = [...load.latencies].sort((a, b) => a - b);

    // Consistency once the write-behind queue is empty: Redis stock, persisted orders and the session's sales agree.
    const drainStart = performance.now();
    while ((await redis.llen(pendingOrdersKey(prefix))) + (await redis.hlen(unsavedOrdersKey(prefix))) > 0)
      await new Promise((r) => setTimeout(r, 50));
    const drainMs = performance.now() - drainStart;
    await mongoose.connect(hub.env.MONGODB_URI!);
    const orders = mongoose.connection.collection('orders');
    const stockAfter = Number(await redis.get(stockKey(prefix, world.product.id)));
    const persistedOrders = await orders.countDocuments({ productId: new mongoose.Types.ObjectId(world.product.id) });
    const persistedStock = (await mongoose.connection
      .collection('products')
      .findOne({ _id: new mongoose.Types.ObjectId(world.product.id) }))!.stock;
    const sales = await client.must('GET', `/api/v1/sessions/${world.session.id}/sales`, world.admin);

    // Raw Redis: the same reservation script, no HTTP, no database, against the same Redis.
    const rawPrefix = `${prefix}raw`;
    await redis.set(stockKey(rawPrefix, 'raw-bench'), 1e9);
    let rawOps = 0;
    const rawDeadline = performance.now() + 3000;
    const rawStart = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < rawDeadline) {
          const orderId = randomUUID();
          await reserveStock(redis, rawPrefix, {
            productId: 'raw-bench',
            buyerUserId: 'raw',
            key: randomUUID(),
            orderId,
            quantity: 1,
            amountFen: 9900,
            sessionId: 'raw-session',
            fingerprint: 'raw',
            orderJson: JSON.stringify({
              _id: orderId,
              productId: 'raw-bench',
              quantity: 1,
              amountFen: 9900,
              createdAt: new Date().toISOString(),
            }),
          });
          rawOps += 1;
        }
      }),
    );
    const rawRate = rawOps / ((performance.now() - rawStart) / 1000);

    const rate = load.created / seconds;
    const sold = stockBefore - stockAfter;
    say('');
    say(
      `HTTP orders:      ${load.created} created in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} orders/s (target ≥ ${TARGET}/s: ${rate >= TARGET ? 'met' : 'NOT met'})`,
    );
    say(
      `                  all requests ${(load.sent / seconds).toFixed(0)}/s incl. ${load.replays} idempotent replays (${load.replayMismatches} returned a different order)`,
    );
    say(
      `                  latency p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms; non-201 answers: ${JSON.stringify(load.errors)}`,
    );
    say(`raw Redis script: ${rawRate.toFixed(0)} reservations/s (${CONCURRENCY} in flight, one connection, same Redis)`);
    say(`HTTP / raw:       ${((rate / rawRate) * 100).toFixed(1)} %`);
    say(`write-behind:     queue drained ${drainMs.toFixed(0)} ms after the load stopped`);
    say(
      `consistency:      sold ${sold} by Redis (${warmSold} in the warm-up), ${persistedOrders} orders persisted, product stock persisted ${persistedStock} vs Redis ${stockAfter}, session sales ${sales.orders} orders`,
    );
    const consistent =
      sold === persistedOrders && persistedStock === stockAfter && sales.orders === persistedOrders && load.replayMismatches === 0;
    say(`                  ${consistent ? 'consistent' : 'INCONSISTENT'}`);
  } finally {
    await mongoose.disconnect();
    await hub.stop();
  }
}

if (process.argv.includes('--load')) {
  process.once('message', async (plan) => {
    const result = await runLoad(plan as LoadPlan);
    process.send!(result, () => process.exit(0));
  });
} else {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`orders bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
