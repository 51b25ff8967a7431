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
import { closeSync, mkdirSync, openSync } from 'node:fs';
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
  /** Concurrent claim filers (each files, uploads, submits, waits for the worker's assessment; the bureau approves and pays). */
  claimers?: number;
  /** Equipment amount per claim item, fen: large, so the programme cap is reached within a run. */
  claimItemFen?: number;
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
  /** Requests that got no answer in time (seconds into the run, which request): where a hub process hung. */
  unanswered: string[];
  /** Times the worker process exited by itself and was started again (as a supervisor does). */
  workerRestarts: number;
  claims: {
    created: number;
    submitted: number;
    assessed: number;
    approved: number;
    paid: number;
    refusedCapReached: number;
    leftSubmitted: number;
    stepFailures: Record<string, number>;
  };
  capChecks: { orgId: string; program: string; capFen: number; approvedFen: number; entitlementApprovedFen: number }[];
  capsExceeded: number;
  /** (claim, revision) pairs whose claim.assess events number other than exactly one. */
  assessmentsNotExactlyOnce: number;
  claimStateChangesWithoutAuditEvent: number;
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
    execFile('ps', ['-o', 'pid=', '--ppid', String(pid)], (_err, out) =>
      resolve(
        String(out)
          .split('\n')
          .map((l) => Number(l.trim()))
          .filter(Boolean),
      ),
    ),
  );
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const say = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const random = rng(options.seed);
  // CHAOS_LOG_DIR keeps the hub's logs (web.log, worker.log at CHAOS_LOG_LEVEL, default info) to find what hung.
  const logDir = process.env.CHAOS_LOG_DIR;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const logLevel = logDir ? (process.env.CHAOS_LOG_LEVEL ?? 'info') : 'silent';
  const hub = await startClusterBenchHub({
    webProcesses: 2,
    quiet: true,
    env: { LOG_LEVEL: logLevel },
    ...(logDir ? { logFile: path.join(logDir, 'web.log') } : {}),
  });
  let worker: ChildProcess | null = null;
  let superviseWorker = true;
  let workerRestarts = 0;
  const startWorker = () => {
    const out = logDir ? openSync(path.join(logDir, 'worker.log'), 'a') : null;
    worker = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/main.ts')], {
      env: hub.env,
      stdio: out === null ? 'ignore' : ['ignore', out, out],
    });
    if (out !== null) closeSync(out);
    const child = worker;
    process.once('exit', () => child.kill('SIGKILL'));
    // As a supervisor would (systemd Restart=, a container restart policy): a worker that exits by itself — e.g. its
    // start-up found Redis or FerretDB restarting at that moment — is started again. The chaos kills restart it too.
    child.once('exit', (_code, signal) => {
      if (!superviseWorker || signal === 'SIGKILL' || worker !== child) return;
      workerRestarts += 1;
      say(`  worker process exited by itself; supervisor restarts it`);
      setTimeout(() => superviseWorker && worker === child && startWorker(), 1000);
    });
  };
  startWorker();
  const report: ChaosReport = {
    seed: options.seed,
    seconds: options.seconds,
    kills: [],
    acknowledged: 0,
    acknowledgedLost: 0,
    persistedOrders: 0,
    unitsSold: 0,
    stockListed: options.stock,
    oversold: 0,
    counterAfter: null,
    ordersWithoutAuditEvent: 0,
    auditChain: '',
    auditChainOk: false,
    viewerJoins: 0,
    viewerJoinFailures: {},
    answers: {},
    fiveHundreds: {},
    networkFailures: {},
    unanswered: [],
    workerRestarts: 0,
    claims: { created: 0, submitted: 0, assessed: 0, approved: 0, paid: 0, refusedCapReached: 0, leftSubmitted: 0, stepFailures: {} },
    capChecks: [],
    capsExceeded: 0,
    assessmentsNotExactlyOnce: 0,
    claimStateChangesWithoutAuditEvent: 0,
    notCovered: ['claims returned or rejected and re-submitted (a second revision) are not part of the load; only livestream_base claims'],
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
    const runStarted = Date.now();
    noAnswer = (what: string) => {
      const line = `${((Date.now() - runStarted) / 1000).toFixed(1)} s: ${what}`;
      if (report.unanswered.length < 50) report.unanswered.push(line);
      say(`  no answer: ${line}`);
    };
    claimsGiveUpAt = Infinity;

    // Buyers: a closed loop each; a failed attempt (network error or 5xx) is retried with the same key.
    const buyer = async (n: number) => {
      let key = randomUUID();
      while (running) {
        try {
          const res = await client.call(
            'POST',
            '/api/v1/orders',
            tokens[n]!,
            { productId: world.product.id, quantity: 1, sessionId: world.session.id },
            { 'idempotency-key': key },
          );
          bump(report.answers, String(res.status));
          if (res.status >= 500) bump(report.fiveHundreds, `${res.status} ${res.body?.error?.code ?? 'no code'}`);
          if (res.status === 201) acknowledged.set(res.body.id, key);
          if (res.status < 500 && res.status !== 429) key = randomUUID();
          else await sleep(200);
        } catch (err) {
          bump(report.networkFailures, (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
          if ((err as Error).name === 'TimeoutError') noAnswer(`POST /api/v1/orders (buyer ${n}) in 30 s`);
          await sleep(200);
        }
      }
    };
    // Viewers: join the live session over Socket.IO (routed to the session's process), stay a while, leave.
    const viewer = async () => {
      while (running) {
        const socket = connectSocket(`${hub.baseUrl}/live`, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          query: { session: world.session.id },
        });
        try {
          await new Promise<void>((resolve, reject) => {
            // A handshake to a process killed meanwhile may never end: give it up after 10 s.
            const timer = setTimeout(() => reject(new Error('connect timeout')), 10_000);
            socket.once('connect', () => {
              clearTimeout(timer);
              resolve();
            });
            socket.once('connect_error', (err) => {
              clearTimeout(timer);
              reject(err);
            });
          });
          const reply = (await socket.timeout(10_000).emitWithAck('session:join', { sessionId: world.session.id, role: 'viewer' })) as {
            data?: unknown;
            error?: { code: string };
          };
          if (reply.error) bump(report.viewerJoinFailures, reply.error.code);
          else report.viewerJoins += 1;
          await sleep(200 + random() * 800);
        } catch (err) {
          bump(report.viewerJoinFailures, (err as Error).message.slice(0, 40));
          if (/timeout|timed out/i.test((err as Error).message)) noAnswer(`viewer socket: ${(err as Error).message}`);
          await sleep(200);
        } finally {
          socket.close();
        }
      }
    };
    // Claims: one filed base; each filer loops create → evidence → submit → (worker assesses) → bureau approves → pays.
    const base = await client.must('POST', '/api/v1/bases', world.assoc.token, { name: `基地${randomUUID().slice(0, 8)}` });
    await client.must('POST', `/api/v1/bases/${base.id}/filing`, world.admin, {
      filingNo: `BA-${randomUUID().slice(0, 8)}`,
      filedAt: '2020-03-01T00:00:00+08:00',
    });
    const claimIds = new Set<string>();
    const claimer = async (n: number) => {
      let seq = 0;
      while (running) {
        seq += 1;
        const id = await fileClaim(
          client,
          hub.baseUrl,
          world,
          base.id as string,
          options.claimItemFen ?? 600_000,
          `${options.seed}${n}${seq}${Date.now()}`,
          report,
          claimIds,
        );
        if (!id) await sleep(300);
      }
    };
    const load = Promise.all([
      ...Array.from({ length: options.buyers }, (_, n) => buyer(n)),
      ...Array.from({ length: options.viewers }, () => viewer()),
      ...Array.from({ length: options.claimers ?? 2 }, (_, n) => claimer(n)),
    ]);

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
    claimsGiveUpAt = Date.now() + 60_000;
    say('  load stopped; waiting for in-flight requests and claims');
    await load;
    say('  load done; draining and checking');

    // Every accepted order must reach the database (the write-behind queue drains).
    const { pendingOrdersKey, unsavedOrdersKey, stockKey } = await import('../server/commerce/orders/stockLedger.ts');
    const drainDeadline = Date.now() + 60_000;
    while (
      Date.now() < drainDeadline &&
      (await hub.redis.llen(pendingOrdersKey('hub'))) + (await hub.redis.hlen(unsavedOrdersKey('hub'))) > 0
    )
      await sleep(100);
    await sleep(500);

    // A connection of its own: in a mocha run the default mongoose connection belongs to the test hub.
    chaosDb = await mongoose.createConnection(hub.env.MONGODB_URI!).asPromise();
    const db = chaosDb;
    const persisted = await db
      .collection('orders')
      .find({ productId: new mongoose.Types.ObjectId(world.product.id) }, { projection: { quantity: 1, status: 1 } })
      .toArray();
    const persistedIds = new Set(persisted.map((o) => String(o._id)));
    report.acknowledged = acknowledged.size;
    report.acknowledgedLost = [...acknowledged.keys()].filter((id) => !persistedIds.has(id)).length;
    report.persistedOrders = persisted.length;
    report.unitsSold = persisted
      .filter((o) => !['cancelled', 'expired', 'refunded'].includes(o.status))
      .reduce((s, o) => s + (o.quantity as number), 0);
    report.oversold = Math.max(0, report.unitsSold - options.stock);
    const counter = await hub.redis.get(stockKey('hub', world.product.id));
    report.counterAfter = counter === null ? null : Number(counter);
    if (report.counterAfter !== null && report.counterAfter < 0) report.oversold = Math.max(report.oversold, -report.counterAfter);

    // Each persisted order is listed in an `order.place` audit event (written with its batch).
    const audited = new Set<string>();
    for await (const e of db.collection('audit_events').find({ action: 'order.place' }, { projection: { after: 1 } })) {
      for (const o of (e.after as { orders?: { id: string }[] } | undefined)?.orders ?? []) audited.add(String(o.id));
    }
    report.ordersWithoutAuditEvent = [...persistedIds].filter((id) => !audited.has(id)).length;

    // Claims: caps, assessments exactly once per submitted revision, an audit event for every state change.
    const claimDeadline = Date.now() + 60_000;
    const ids = [...claimIds].map((id) => new mongoose.Types.ObjectId(id));
    while (Date.now() < claimDeadline && (await db.collection('claims').countDocuments({ _id: { $in: ids }, status: 'submitted' })) > 0)
      await sleep(250);
    await sleep(2000); // the audit outbox drains into the chain
    await checkClaims(db, ids, client, world, report);

    const verify = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'scripts/audit-verify.ts')],
        { env: { ...hub.env, LOG_LEVEL: 'silent' } },
        (err, out) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: String(out).trim() }),
      ),
    );
    report.auditChain = verify.out.split('\n')[0] ?? '';
    report.auditChainOk = verify.code === 0;
    return report;
  } finally {
    superviseWorker = false;
    report.workerRestarts = workerRestarts;
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

type World = Awaited<ReturnType<ReturnType<typeof httpClient>['liveWorld']>>;
type Client = ReturnType<typeof httpClient>;

/**
 * One request with the same intent until it is answered: a connection failure, a 5xx or a 429 is retried; a 409
 * (wrong state) after a retry means the earlier attempt was applied ('already done').
 */
let claimsGiveUpAt = Infinity; // set when the load stops: in-flight claims get a bounded grace
let noAnswer: (what: string) => void = () => undefined;

async function sameIntent(client: Client, report: ChaosReport, step: string, send: () => Promise<{ status: number; body: any }>) {
  let retried = false;
  for (let attempt = 0; attempt < 60 && Date.now() < claimsGiveUpAt; attempt += 1) {
    try {
      // A request without an answer in 20 s counts as a connection failure and is retried.
      const res = await Promise.race([send(), sleep(20_000).then(() => Promise.reject(new Error('no answer in 20 s')))]);
      bump(report.answers, String(res.status));
      if (res.status >= 500) bump(report.fiveHundreds, `${res.status} ${res.body?.error?.code ?? 'no code'} (${step})`);
      // 409 `busy` is a transient lock conflict (another writer holds the claim): the same request again, later.
      if (res.status < 500 && res.status !== 429 && !(res.status === 409 && res.body?.error?.code === 'busy'))
        return { ...res, alreadyDone: retried && res.status === 409 };
    } catch (err) {
      bump(report.networkFailures, (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
      if (/no answer|timeout/i.test(`${(err as Error).name} ${(err as Error).message}`))
        noAnswer(`claim ${step}: ${(err as Error).message}`);
    }
    retried = true;
    await sleep(300);
  }
  void client;
  bump(report.claims.stepFailures, `${step}: no answer`);
  return null;
}

async function uploadEvidence(baseUrl: string, token: string, claimId: string, itemId: string) {
  const form = new FormData();
  const pdf = `%PDF-1.4\n% ${randomUUID()}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`;
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), '发票.pdf');
  const res = await fetch(`${baseUrl}/api/v1/claims/${claimId}/items/${itemId}/evidence`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

/** Files one livestream_base claim through to paid (or to a cap refusal); returns its id, or null if it stopped early. */
async function fileClaim(
  client: Client,
  baseUrl: string,
  world: World,
  baseId: string,
  amountFen: number,
  tag: string,
  report: ChaosReport,
  claimIds: Set<string>,
): Promise<string | null> {
  const failed = (step: string, res: { status: number; body: any } | null) => {
    if (res) bump(report.claims.stepFailures, `${step}: ${res.status} ${res.body?.error?.code ?? ''}`);
    return null;
  };
  const body = {
    program: 'livestream_base',
    baseId,
    items: [{ category: 'equipment', description: '直播设备', amountFen, invoiceCode: '350000000000', invoiceNo: `C${tag}` }],
  };
  // A retried create after a lost answer may leave an extra draft: harmless, and still checked for its audit event.
  const created = await sameIntent(client, report, 'create', () => client.call('POST', '/api/v1/claims', world.assoc.token, body));
  if (!created || created.status !== 201) return failed('create', created);
  const id = created.body.id as string;
  claimIds.add(id);
  report.claims.created += 1;
  for (const it of created.body.items as { id: string }[]) {
    const up = await sameIntent(client, report, 'evidence', () => uploadEvidence(baseUrl, world.assoc.token, id, it.id));
    if (!up || (up.status !== 201 && !up.alreadyDone)) return failed('evidence', up);
  }
  const submitted = await sameIntent(client, report, 'submit', () => client.call('POST', `/api/v1/claims/${id}/submit`, world.assoc.token));
  if (!submitted || (submitted.status !== 202 && !submitted.alreadyDone)) return failed('submit', submitted);
  report.claims.submitted += 1;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const got = await sameIntent(client, report, 'get', () => client.call('GET', `/api/v1/claims/${id}`, world.assoc.token));
    if (got?.body?.status === 'assessed') break;
    if (Date.now() > Math.min(deadline, claimsGiveUpAt))
      return failed('assessment', { status: 0, body: { error: { code: `still ${got?.body?.status}` } } });
    await sleep(250);
  }
  report.claims.assessed += 1;
  const reviewed = await sameIntent(client, report, 'review', () =>
    client.call('POST', `/api/v1/claims/${id}/review`, world.admin, { decision: 'approve', note: '同意' }),
  );
  if (!reviewed) return failed('review', reviewed);
  if (reviewed.status === 409 && !reviewed.alreadyDone) {
    report.claims.refusedCapReached += 1; // the remaining cap is 0
    return id;
  }
  if (reviewed.status !== 200 && !reviewed.alreadyDone) return failed('review', reviewed);
  report.claims.approved += 1;
  const paid = await sameIntent(client, report, 'pay', () =>
    client.call('POST', `/api/v1/claims/${id}/payments`, world.admin, { voucherNo: `PZ-${tag}`, paidAt: '2020-07-01T10:00:00+08:00' }),
  );
  if (!paid || (paid.status !== 200 && !paid.alreadyDone)) return failed('pay', paid);
  report.claims.paid += 1;
  return id;
}

const AUDIT_ACTION: Record<string, string> = {
  draft: 'claim.create',
  submitted: 'claim.submit',
  assessed: 'claim.assess',
  approved: 'claim.approve',
  returned: 'claim.return',
  rejected: 'claim.reject',
  paid: 'claim.pay',
};

async function checkClaims(
  db: import('mongoose').Connection,
  ids: import('mongoose').Types.ObjectId[],
  client: Client,
  world: World,
  report: ChaosReport,
) {
  const claims = await db
    .collection('claims')
    .find({ _id: { $in: ids } })
    .toArray();
  report.claims.leftSubmitted = claims.filter((c) => c.status === 'submitted').length;
  const events = await db
    .collection('audit_events')
    .find({ 'target.type': 'claim', 'target.id': { $in: ids.map(String) } }, { projection: { action: 1, target: 1, after: 1 } })
    .toArray();
  const byClaim = new Map<string, { action: string; after: any }[]>();
  for (const e of events) {
    const list = byClaim.get(String(e.target.id)) ?? [];
    list.push({ action: e.action as string, after: e.after });
    byClaim.set(String(e.target.id), list);
  }
  const { APPROVED_STATUSES } = await import('../server/claims/ledgerService.ts');
  const approvedBy = new Map<string, number>();
  for (const c of claims) {
    const mine = byClaim.get(String(c._id)) ?? [];
    // Each submitted revision that was assessed has exactly one claim.assess event naming it.
    const assessedRevisions = new Set<number>();
    if (c.status !== 'submitted' && c.status !== 'draft') assessedRevisions.add(c.revision as number);
    for (const e of mine) if (e.action === 'claim.assess') assessedRevisions.add(e.after?.revision);
    for (const r of assessedRevisions)
      if (mine.filter((e) => e.action === 'claim.assess' && e.after?.revision === r).length !== 1) report.assessmentsNotExactlyOnce += 1;
    // Every history entry (state change) has its event.
    const wanted = new Map<string, number>();
    for (const h of (c.history as { status: string }[]) ?? []) {
      const action = AUDIT_ACTION[h.status] ?? h.status;
      wanted.set(action, (wanted.get(action) ?? 0) + 1);
    }
    for (const [action, n] of wanted)
      report.claimStateChangesWithoutAuditEvent += Math.max(0, n - mine.filter((e) => e.action === action).length);
    if ((APPROVED_STATUSES as readonly unknown[]).includes(c.status)) {
      const k = `${String(c.orgId)} ${c.program}`;
      approvedBy.set(k, (approvedBy.get(k) ?? 0) + ((c.approvedFen as number) ?? 0));
    }
  }
  for (const [k, approvedFen] of approvedBy) {
    const [orgId, program] = k.split(' ') as [string, string];
    const ent = await client.must('GET', `/api/v1/entitlements?orgId=${orgId}&program=${program}`, world.admin);
    report.capChecks.push({ orgId, program, capFen: ent.capFen, approvedFen, entitlementApprovedFen: ent.approvedFen });
    if (approvedFen > ent.capFen || ent.approvedFen > ent.capFen) report.capsExceeded += 1;
  }
}

export function printReport(r: ChaosReport, say: (line: string) => void): void {
  const mark = (ok: boolean) => (ok ? 'ok' : 'FAILED');
  say('');
  say(`chaos seed ${r.seed}, ${r.seconds} s; faults: ${r.kills.join('; ')}`);
  say(`acknowledged orders lost:        ${r.acknowledgedLost} of ${r.acknowledged} (${mark(r.acknowledgedLost === 0)})`);
  say(
    `stock oversold:                  ${r.oversold} (${r.unitsSold} units in ${r.persistedOrders} orders, stock ${r.stockListed}, counter after ${r.counterAfter}) (${mark(r.oversold === 0)})`,
  );
  say(`orders without their audit event: ${r.ordersWithoutAuditEvent} (${mark(r.ordersWithoutAuditEvent === 0)})`);
  say(`audit chain:                     ${r.auditChain} (${mark(r.auditChainOk)})`);
  const c = r.claims;
  say(
    `claims:                          ${c.created} filed, ${c.submitted} submitted, ${c.assessed} assessed, ${c.approved} approved, ${c.paid} paid, ${c.refusedCapReached} refused (cap reached), ${c.leftSubmitted} left submitted; step failures ${JSON.stringify(c.stepFailures)}`,
  );
  say(
    `caps exceeded:                   ${r.capsExceeded} (${r.capChecks.map((x) => `${x.program}: approved ${x.approvedFen} (entitlement ${x.entitlementApprovedFen}) of cap ${x.capFen}`).join('; ')}) (${mark(r.capsExceeded === 0)})`,
  );
  say(`assessments not exactly once:    ${r.assessmentsNotExactlyOnce} (${mark(r.assessmentsNotExactlyOnce === 0)})`);
  say(`claim changes without audit event: ${r.claimStateChangesWithoutAuditEvent} (${mark(r.claimStateChangesWithoutAuditEvent === 0)})`);
  say(`viewers joined:                  ${r.viewerJoins}; failed joins ${JSON.stringify(r.viewerJoinFailures)}`);
  say(`answers by status:               ${JSON.stringify(r.answers)}`);
  say(`5xx by cause:                    ${JSON.stringify(r.fiveHundreds)}`);
  say(`no answer (connection) by cause: ${JSON.stringify(r.networkFailures)}`);
  say(`worker restarts (exited itself): ${r.workerRestarts}`);
  say(`requests unanswered in time:     ${r.unanswered.length}${r.unanswered.length ? ` (${r.unanswered.slice(0, 10).join('; ')})` : ''}`);
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
    claimers: Number(process.env.CHAOS_CLAIMERS ?? 2),
  };
  say(`chaos: seed ${options.seed}, ${options.seconds} s, ${options.buyers} buyers, ${options.viewers} viewers, stock ${options.stock}`);
  runChaos(options).then(
    (report) => {
      printReport(report, say);
      const ok =
        report.acknowledgedLost === 0 &&
        report.oversold === 0 &&
        report.auditChainOk &&
        report.capsExceeded === 0 &&
        report.assessmentsNotExactlyOnce === 0 &&
        report.claimStateChangesWithoutAuditEvent === 0;
      process.exit(ok ? 0 : 1);
    },
    (err) => {
      process.stderr.write(`chaos failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(2);
    },
  );
}
