/**
 * Benchmark: 2,000 Socket.IO viewers in one live session; the host sends chat messages and pins
 * products; reports delivery latency p50/p99 per kind (target p99 < 200 ms).
 *
 *   npx tsx bench/fanout.ts
 *   BENCH_VIEWERS=5000 BENCH_ROUNDS=5 npx tsx bench/fanout.ts
 *
 * The hub (Socket.IO with the Redis adapter, as in production) runs in this process; the viewers and
 * the host run in a child process, which timestamps sending and receiving with one clock.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import { percentile, say, startLiveBenchHub } from './liveBenchHub.ts';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET_P99_MS = 200;

interface Plan {
  baseUrl: string;
  hostToken: string;
  sessionId: string;
  productId: string;
  viewers: number;
  rounds: number;
}
interface Result {
  connected: number;
  joinMs: number;
  chat: number[];
  pin: number[];
  expected: number;
}

const ask = (socket: Socket, event: string, payload: unknown) =>
  socket.timeout(30_000).emitWithAck(event, payload) as Promise<{ data?: unknown; error?: { code: string; message: string } }>;

async function runViewers(plan: Plan): Promise<Result> {
  const open = (token?: string) =>
    new Promise<Socket>((resolve, reject) => {
      const s = connect(`${plan.baseUrl}/live`, {
        transports: ['websocket'],
        auth: token ? { token } : {},
        reconnection: false,
        forceNew: true,
      });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  const chat: number[] = [];
  const pin: number[] = [];
  const sentAt = new Map<string, number>();
  const joinStart = performance.now();
  const viewers: Socket[] = [];
  for (let i = 0; i < plan.viewers; i += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, plan.viewers - i) }, () => open()));
    await Promise.all(
      batch.map(async (s) => {
        const reply = await ask(s, 'session:join', { sessionId: plan.sessionId });
        if (reply.error) throw new Error(`join failed: ${reply.error.message}`);
      }),
    );
    viewers.push(...batch);
  }
  const joinMs = performance.now() - joinStart;
  for (const s of viewers) {
    s.on('chat:message', (m: { text: string }) => {
      const t0 = sentAt.get(m.text);
      if (t0 !== undefined) chat.push(performance.now() - t0);
    });
    s.on('product:pinned', (e: { product: { id: string } | null }) => {
      const t0 = sentAt.get(`pin:${e.product ? 'on' : 'off'}`);
      if (t0 !== undefined) pin.push(performance.now() - t0);
    });
  }
  const host = await open(plan.hostToken);
  const joined = await ask(host, 'session:join', { sessionId: plan.sessionId, role: 'host' });
  if (joined.error) throw new Error(`host join failed: ${joined.error.message}`);
  await new Promise((r) => setTimeout(r, 1000));
  for (let round = 0; round < plan.rounds; round += 1) {
    const text = `第${round}轮：德化白瓷今晚特价`;
    sentAt.set(text, performance.now());
    const sent = await ask(host, 'chat:send', { text });
    if (sent.error) throw new Error(`chat failed: ${sent.error.message}`);
    await new Promise((r) => setTimeout(r, 1000));
    const on = round % 2 === 0;
    sentAt.set(`pin:${on ? 'on' : 'off'}`, performance.now());
    const pinned = await ask(host, 'product:pin', { productId: on ? plan.productId : null });
    if (pinned.error) throw new Error(`pin failed: ${pinned.error.message}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  for (const s of [...viewers, host]) s.disconnect();
  return { connected: viewers.length, joinMs, chat, pin, expected: plan.viewers * plan.rounds };
}

function viewersFromChild(plan: Plan): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--viewers'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as Result));
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`viewer process exited with ${code}`)));
    child.send(plan);
  });
}

async function main(): Promise<void> {
  say(`fanout bench: ${VIEWERS} Socket.IO viewers in one session, ${ROUNDS} chat messages and ${ROUNDS} pin changes`);
  const hub = await startLiveBenchHub();
  try {
    const world = await hub.liveWorld(1000);
    const result = await viewersFromChild({
      baseUrl: hub.baseUrl,
      hostToken: world.host.token,
      sessionId: world.session.id,
      productId: world.product.id,
      viewers: VIEWERS,
      rounds: ROUNDS,
    });
    const report = (label: string, samples: number[]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      const p99 = percentile(sorted, 99);
      say(
        `${label.padEnd(6)} delivered ${samples.length}/${result.expected}  p50 ${percentile(sorted, 50).toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  max ${sorted[sorted.length - 1]?.toFixed(1)} ms  (target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'met' : 'NOT met'})`,
      );
    };
    say('');
    say(`joined: ${result.connected} viewers in ${(result.joinMs / 1000).toFixed(1)} s`);
    report('chat', result.chat);
    report('pin', result.pin);
    say(
      'latency = host emit → viewer handler, one clock; includes the hub (validation, Redis rate limit, Redis adapter) and the viewer process draining 2,000 sockets.',
    );
  } finally {
    await hub.stop();
  }
}

if (process.argv.includes('--viewers')) {
  process.once('message', async (plan) => {
    try {
      const result = await runViewers(plan as Plan);
      process.send!(result, () => process.exit(0));
    } catch (err) {
      process.stderr.write(`viewers failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    }
  });
} else {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`fanout bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
