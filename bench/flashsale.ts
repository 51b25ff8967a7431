/**
 * Benchmark: one flash sale of 500 units hit by 5,000 buyers through HTTP
 * (POST /api/v1/sessions/:id/flash-sale/orders with Idempotency-Key, station pick-up, cash on delivery).
 * Each buyer tries 3 times with a per-buyer limit of 2. Reports orders/s, latency p50/p99, and checks that
 * exactly 500 were sold and nobody exceeded the limit; beside it, in the same run, the rate of a trivial
 * HTTP read of the sale through the same stack (the baseline).
 *
 *   npm run bench:flashsale
 *   BENCH_BUYERS=5000 BENCH_UNITS=500 BENCH_CONCURRENCY=256 npx tsx bench/flashsale.ts
 *
 * Buyers get their tokens minted here (5,000 sign-ups would measure the sign-up proof of work, not the sale).
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { percentile, say, startLiveBenchHub } from './liveBenchHub.ts';

const BUYERS = Number(process.env.BENCH_BUYERS ?? 5000);
const UNITS = Number(process.env.BENCH_UNITS ?? 500);
const TRIES = 3;
const LIMIT = 2;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);

interface Plan {
  baseUrl: string;
  tokens: string[];
  sessionId: string;
  stationOrgId: string;
  concurrency: number;
  mode: 'buy' | 'read';
}
interface Result {
  sent: number;
  created: number;
  codes: Record<string, number>;
  latencies: number[];
  elapsedMs: number;
  perBuyer: number[];
}

async function runLoad(plan: Plan): Promise<Result> {
  const result: Result = { sent: 0, created: 0, codes: {}, latencies: [], elapsedMs: 0, perBuyer: plan.tokens.map(() => 0) };
  // Every buyer's tries, interleaved so a buyer's requests overlap with everyone else's.
  const work: number[] = [];
  for (let t = 0; t < TRIES; t += 1) for (let b = 0; b < plan.tokens.length; b += 1) work.push(b);
  let next = 0;
  const started = performance.now();
  const client = async () => {
    while (next < work.length) {
      const buyer = work[next++]!;
      const t0 = performance.now();
      const res =
        plan.mode === 'buy'
          ? await fetch(`${plan.baseUrl}/api/v1/sessions/${plan.sessionId}/flash-sale/orders`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${plan.tokens[buyer]}`,
                'idempotency-key': randomUUID(),
              },
              body: JSON.stringify({ quantity: 1, delivery: { mode: 'station', stationOrgId: plan.stationOrgId }, payment: 'cod' }),
            })
          : await fetch(`${plan.baseUrl}/api/v1/sessions/${plan.sessionId}/flash-sale`);
      const body = (await res.json()) as { error?: { code: string } };
      result.latencies.push(performance.now() - t0);
      result.sent += 1;
      const code = res.status === 201 || res.status === 200 ? String(res.status) : (body.error?.code ?? String(res.status));
      result.codes[code] = (result.codes[code] ?? 0) + 1;
      if (res.status === 201) {
        result.created += 1;
        result.perBuyer[buyer]! += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, () => client()));
  result.elapsedMs = performance.now() - started;
  return result;
}

function loadFromChild(plan: Plan): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--load'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as Result));
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`load process exited with ${code}`)));
    child.send(plan);
  });
}

async function main(): Promise<void> {
  say(
    `flash-sale bench: ${BUYERS} buyers × ${TRIES} tries, ${UNITS} units, limit ${LIMIT} per buyer, ${CONCURRENCY} concurrent HTTP clients`,
  );
  const hub = await startLiveBenchHub({ HUB_SIGNUP_MAX_PER_ADDRESS: '1000000' });
  try {
    const { ctx } = hub;
    const world = await hub.liveWorld(UNITS * 2);
    const station = await hub.must('POST', '/api/v1/orgs', world.admin, {
      type: 'station',
      name: `服务站${Date.now().toString(36)}`,
      township: '赤水镇',
    });
    await hub.must('PUT', `/api/v1/sessions/${world.session.id}/pin`, world.host.token, { productId: world.product.id });
    await hub.must('POST', `/api/v1/sessions/${world.session.id}/flash-sale`, world.host.token, {
      productId: world.product.id,
      priceFen: 4900,
      quantity: UNITS,
      perBuyerLimit: LIMIT,
      durationSeconds: 3600,
    });

    const { UserModel } = await import('../server/registry/users/user.model.ts');
    const { issueToken } = await import('../server/platform/auth/tokens.ts');
    const stamp = Date.now() % 1e6;
    // Mobile numbers 17xxxxxxxxx, unique in this run; the password is never used (tokens are minted).
    const inserted = await UserModel.insertMany(
      Array.from({ length: BUYERS }, (_, i) => ({
        username: `17${String(stamp % 100).padStart(2, '0')}${String(i).padStart(7, '0')}`,
        passwordHash: 'unused',
        role: 'buyer',
        orgId: null,
      })),
    );
    const tokens = inserted.map((u) =>
      issueToken({ id: String(u._id), username: u.username, role: 'buyer', orgId: null }, ctx.config.HUB_JWT_SECRET, 3600),
    );

    const baseline = await loadFromChild({
      baseUrl: hub.baseUrl,
      tokens: tokens.slice(0, Math.ceil(BUYERS / 3)),
      sessionId: world.session.id,
      stationOrgId: station.id,
      concurrency: CONCURRENCY,
      mode: 'read',
    });
    const load = await loadFromChild({
      baseUrl: hub.baseUrl,
      tokens,
      sessionId: world.session.id,
      stationOrgId: station.id,
      concurrency: CONCURRENCY,
      mode: 'buy',
    });
    const sorted = [...load.latencies].sort((a, b) => a - b);
    const baseSorted = [...baseline.latencies].sort((a, b) => a - b);
    const seconds = load.elapsedMs / 1000;

    await (ctx.services.orderPersister as { drained(): Promise<void> }).drained();
    const { OrderModel } = await import('../server/commerce/orders/order.model.ts');
    const persisted = await OrderModel.countDocuments({ productId: world.product.id, unitPriceFen: 4900 });
    const sale = (await hub.call('GET', `/api/v1/sessions/${world.session.id}/flash-sale`, null)).body.sale;
    const maxPerBuyer = Math.max(...load.perBuyer);
    const over = load.perBuyer.filter((n) => n > LIMIT).length;

    say('');
    say(
      `flash-sale orders: ${load.created} created, ${load.sent} requests in ${seconds.toFixed(1)} s = ${(load.sent / seconds).toFixed(0)} requests/s; the ${load.created} sales at ${(load.created / seconds).toFixed(0)} orders/s`,
    );
    say(
      `                   latency p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms; answers ${JSON.stringify(load.codes)}`,
    );
    say(
      `baseline (GET the sale, same stack): ${(baseline.sent / (baseline.elapsedMs / 1000)).toFixed(0)} requests/s, p50 ${percentile(baseSorted, 50).toFixed(1)} ms, p99 ${percentile(baseSorted, 99).toFixed(1)} ms`,
    );
    say(
      `sold exactly ${UNITS}: ${load.created === UNITS && persisted === UNITS && sale.remaining === 0 ? 'yes' : 'NO'} (${load.created} answered 201, ${persisted} persisted, ${sale.remaining} left)`,
    );
    say(`per-buyer limit ${LIMIT}: ${over === 0 ? 'never broken' : `BROKEN for ${over} buyers`} (most by one buyer: ${maxPerBuyer})`);
    if (load.created !== UNITS || persisted !== UNITS || over > 0) process.exitCode = 1;
  } finally {
    await hub.stop();
  }
}

if (process.argv.includes('--load')) {
  process.once('message', async (plan) => {
    const result = await runLoad(plan as Plan);
    process.send!(result, () => process.exit(0));
  });
} else {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      process.stderr.write(`flash-sale bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
