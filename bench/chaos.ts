/**
 * The fault suite (issue 11): `npm run chaos`. A hub as `npm start` runs it (two web processes behind one
 * port, the BullMQ worker process, its own FerretDB and append-only Redis, all on loopback) under a scripted
 * mixed load — a live session with viewers joining and leaving over Socket.IO, buyers ordering with
 * Idempotency-Key (retrying the same key after a failure, as a client must) — while, at seeded random
 * moments, it SIGKILLs in turn a web process, the worker process, FerretDB and Redis and starts them again.
 * Bounded (CHAOS_SECONDS), stops by itself. Afterwards it checks and prints what must hold.
 *
 *   npm run chaos                      # 60 s, seed 1
 *   CHAOS_SEED=7 CHAOS_SECONDS=120 npm run chaos
 *
 * runChaos() is also called by test/live/chaos.test.ts with a short seeded case.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connectSocket } from 'socket.io-client';
import { ROOT } from '../scripts/services.ts';
import { httpClient, startClusterBenchHub } from './clusterBenchHub.ts';

export interface ChaosOptions {
  seed: number;
  seconds: number;
  stock: number;
  buyers: number;
  viewers: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  seconds: number;
  kills: string[];
  acknowledged: number;
  acknowledgedLost: number;
  persistedOrders: number;
  unitsSold: number;
  stockListed: number;
  oversold: number;
  counterAfter: number | null;
  ordersWithoutAuditEvent: number;
  auditChain: string;
  auditChainOk: boolean;
  viewerJoins: number;
  viewerJoinFailures: Record<string, number>;
  answers: Record<string, number>;
  fiveHundreds: Record<string, number>;
  networkFailures: Record<string, number>;
  notCovered: string[];
}

/** mulberry32: a small seeded generator, so a run's kill schedule repeats with its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** Child pids of `pid` (the web primary's web processes). */
function childrenOf(pid: number): Promise<number[]> {
  return new Promise((resolve) =>
    execFile('ps', ['-o', 'pid=', '--ppid', String(pid)], (_err, out) => resolve(String(out).split('\n').map((l) => Number(l.trim())).filter(Boolean))),
  );
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const say = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const random = rng(options.seed);
  const hub = await startClusterBenchHub({ webProcesses: 2, quiet: true, env: { LOG_LEVEL: 'silent' } });
  let worker: ChildProcess | null = null;
  const startWorker = () => {
    worker = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/main.ts')], { env: hub.env, stdio: 'ignore' });
    const child = worker;
    process.once('exit', () => child.kill('SIGKILL'));
  };
  startWorker();
  const report: ChaosReport = {
    seed: options.seed, seconds: options.seconds, kills: [], acknowledged: 0, acknowledgedLost: 0, persistedOrders: 0, unitsSold: 0,
    stockListed: options.stock, oversold: 0, counterAfter: null, ordersWithoutAuditEvent: 0, auditChain: '', auditChainOk: false,
    viewerJoins: 0, viewerJoinFailures: {}, answers: {}, fiveHundreds: {}, networkFailures: {},
    notCovered: ['claims filed, assessed, approved, paid (caps exceeded, claims assessed exactly once): not part of this load yet'],
  };
  const mongoose = (await import('mongoose')).default;
  let chaosDb: import('mongoose').Connection | null = null;
  try {
    const client = httpClient(hub.baseUrl);
    const world = await client.liveWorld(options.stock);
    const tokens: string[] = [];
    for (let i = 0; i < options.buyers; i += 1) tokens.push((await world.user('host', world.association.id)).token);
    const acknowledged = new Map<string, string>(); // order id -> key
    let running = true;

    // Buyers: a closed loop each; a failed attempt (network error or 5xx) is retried with the same key.
    const buyer = async (n: number) => {
      let key = randomUUID();
      while (running) {
        try {
          const res = await client.call('POST', '/api/v1/orders', tokens[n]!, { productId: world.product.id, quantity: 1, sessionId: world.session.id }, { 'idempotency-key': key });
          bump(report.answers, String(res.status));
          if (res.status >= 500) bump(report.fiveHundreds, `${res.status} ${res.body?.error?.code ?? 'no code'}`);
          if (res.status === 201) acknowledged.set(res.body.id, key);
          if (res.status < 500 && res.status !== 429) key = randomUUID();
          else await sleep(200);
        } catch (err) {
          bump(report.networkFailures, (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
          await sleep(200);
        }
      }
    };
    // Viewers: join the live session over Socket.IO (routed to the session's process), stay a while, leave.
    const viewer = async () => {
      while (running) {
        const socket = connectSocket(`${hub.baseUrl}/live`, { transports: ['websocket'], reconnection: false, forceNew: true, query: { session: world.session.id } });
        try {
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          });
          const reply = (await socket.timeout(10_000).emitWithAck('session:join', { sessionId: world.session.id, role: 'viewer' })) as { data?: unknown; error?: { code: string } };
          if (reply.error) bump(report.viewerJoinFailures, reply.error.code);
          else report.viewerJoins += 1;
          await sleep(200 + random() * 800);
        } catch (err) {
          bump(report.viewerJoinFailures, (err as Error).message.slice(0, 40));
          await sleep(200);
        } finally {
          socket.close();
        }
      }
    };
    const load = Promise.all([...Array.from({ length: options.buyers }, (_, n) => buyer(n)), ...Array.from({ length: options.viewers }, () => viewer())]);

    // The faults, in turn, each at a seeded moment of its own share of the run.
    const victims = ['web process', 'worker process', 'FerretDB', 'Redis'] as const;
    const share = (options.seconds * 1000) / victims.length;
    const started = Date.now();
    for (let i = 0; i < victims.length; i += 1) {
      const at = started + i * share + random() * share * 0.6;
      await sleep(Math.max(0, at - Date.now()));
      const victim = victims[i]!;
      const t = ((Date.now() - started) / 1000).toFixed(1);
      if (victim === 'web process') {
        const pids = await childrenOf(hub.web!.pid!);
        const pid = pids[Math.floor(random() * pids.length)];
        if (pid) process.kill(pid, 'SIGKILL'); // the primary starts it again
      } else if (victim === 'worker process') {
        worker!.kill('SIGKILL');
        await sleep(500 + random() * 1000);
        startWorker();
      } else if (victim === 'FerretDB') {
        await hub.restartFerretDb('SIGKILL');
      } else {
        await hub.restartRedis('SIGKILL');
      }
      report.kills.push(`${t} s: SIGKILL ${victim}`);
      say(`  ${t} s: SIGKILL ${victim}, restarted`);
    }
    await sleep(Math.max(0, started + options.seconds * 1000 - Date.now()));
    running = false;
    await load;

    // Every accepted order must reach the database (the write-behind queue drains).
    const { pendingOrdersKey, unsavedOrdersKey, stockKey } = await import('../server/commerce/orders/stockLedger.ts');
    const drainDeadline = Date.now() + 60_000;
    while (Date.now() < drainDeadline && (await hub.redis.llen(pendingOrdersKey('hub'))) + (await hub.redis.hlen(unsavedOrdersKey('hub'))) > 0) await sleep(100);
    await sleep(500);

    // A connection of its own: in a mocha run the default mongoose connection belongs to the test hub.
    chaosDb = await mongoose.createConnection(hub.env.MONGODB_URI!).asPromise();
    const db = chaosDb;
    const persisted = await db.collection('orders').find({ productId: new mongoose.Types.ObjectId(world.product.id) }, { projection: { quantity: 1, status: 1 } }).toArray();
    const persistedIds = new Set(persisted.map((o) => String(o._id)));
    report.acknowledged = acknowledged.size;
    report.acknowledgedLost = [...acknowledged.keys()].filter((id) => !persistedIds.has(id)).length;
    report.persistedOrders = persisted.length;
    report.unitsSold = persisted.filter((o) => !['cancelled', 'expired', 'refunded'].includes(o.status)).reduce((s, o) => s + (o.quantity as number), 0);
    report.oversold = Math.max(0, report.unitsSold - options.stock);
    const counter = await hub.redis.get(stockKey('hub', world.product.id));
    report.counterAfter = counter === null ? null : Number(counter);
    if (report.counterAfter !== null && report.counterAfter < 0) report.oversold = Math.max(report.oversold, -report.counterAfter);

    // Each persisted order is listed in an `order.place` audit event (written with its batch).
    const audited = new Set<string>();
    for await (const e of db.collection('audit_events').find({ action: 'order.place' }, { projection: { after: 1 } })) {
      for (const o of ((e.after as { orders?: { id: string }[] } | undefined)?.orders ?? [])) audited.add(String(o.id));
    }
    report.ordersWithoutAuditEvent = [...persistedIds].filter((id) => !audited.has(id)).length;

    const verify = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/audit-verify.ts')], { env: hub.env }, (err, out) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: String(out).trim() }),
      ),
    );
    report.auditChain = verify.out.split('\n')[0] ?? '';
    report.auditChainOk = verify.code === 0;
    return report;
  } finally {
    await chaosDb?.close().catch(() => undefined);
    const w = worker as ChildProcess | null;
    if (w && w.exitCode === null) {
      await new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
        w.kill('SIGTERM');
        setTimeout(() => w.kill('SIGKILL'), 15_000).unref();
      });
    }
    await hub.stop();
  }
}

export function printReport(r: ChaosReport, say: (line: string) => void): void {
  const mark = (ok: boolean) => (ok ? 'ok' : 'FAILED');
  say('');
  say(`chaos seed ${r.seed}, ${r.seconds} s; faults: ${r.kills.join('; ')}`);
  say(`acknowledged orders lost:        ${r.acknowledgedLost} of ${r.acknowledged} (${mark(r.acknowledgedLost === 0)})`);
  say(`stock oversold:                  ${r.oversold} (${r.unitsSold} units in ${r.persistedOrders} orders, stock ${r.stockListed}, counter after ${r.counterAfter}) (${mark(r.oversold === 0)})`);
  say(`orders without their audit event: ${r.ordersWithoutAuditEvent} (${mark(r.ordersWithoutAuditEvent === 0)})`);
  say(`audit chain:                     ${r.auditChain} (${mark(r.auditChainOk)})`);
  say(`viewers joined:                  ${r.viewerJoins}; failed joins ${JSON.stringify(r.viewerJoinFailures)}`);
  say(`answers by status:               ${JSON.stringify(r.answers)}`);
  say(`5xx by cause:                    ${JSON.stringify(r.fiveHundreds)}`);
  say(`no answer (connection) by cause: ${JSON.stringify(r.networkFailures)}`);
  for (const n of r.notCovered) say(`not covered:                     ${n}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const options: ChaosOptions = {
    seed: Number(process.env.CHAOS_SEED ?? 1),
    seconds: Number(process.env.CHAOS_SECONDS ?? 60),
    stock: Number(process.env.CHAOS_STOCK ?? 3000),
    buyers: Number(process.env.CHAOS_BUYERS ?? 8),
    viewers: Number(process.env.CHAOS_VIEWERS ?? 4),
  };
  say(`chaos: seed ${options.seed}, ${options.seconds} s, ${options.buyers} buyers, ${options.viewers} viewers, stock ${options.stock}`);
  runChaos(options).then(
    (report) => {
      printReport(report, say);
      const ok = report.acknowledgedLost === 0 && report.oversold === 0 && report.auditChainOk;
      process.exit(ok ? 0 : 1);
    },
    (err) => {
      process.stderr.write(`chaos failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(2);
    },
  );
}
