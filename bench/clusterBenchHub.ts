/**
 * A hub as `npm start` runs it, for benchmarks and the fault suite: its own FerretDB (temp dir) and its own
 * redis-server with the append-only file (appendfsync always), and `server/main.ts` as a child process
 * with HUB_WEB_PROCESSES web processes behind one port (server/webCluster.ts). The bench process itself
 * talks HTTP to it and reads Redis and the database directly only to check the results.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { ROOT, freePort, startFerretDb, startRedis, waitForPort, type StartedService } from '../scripts/services.ts';

export interface ClusterHubOptions {
  webProcesses: number;
  env?: Record<string, string>;
  /** Keep the web process's output (default: only warnings and errors are printed). */
  quiet?: boolean;
  /** Append the web processes' output (stdout and stderr) to this file instead. */
  logFile?: string;
}

export async function startClusterBenchHub(options: ClusterHubOptions) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-cluster-bench-'));
  const mongoPort = await freePort();
  const redisPort = await freePort();
  const webPort = await freePort();
  let ferret: StartedService = await startFerretDb(path.join(dataDir, 'ferretdb'), mongoPort, path.join(dataDir, 'ferretdb.log'));
  let redisServer: StartedService = await startRedis(path.join(dataDir, 'redis'), redisPort, {
    persistent: true,
    logFile: path.join(dataDir, 'redis.log'),
  });
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'development',
    PORT: String(webPort),
    HOST: '127.0.0.1',
    MONGODB_URI: `mongodb://127.0.0.1:${mongoPort}/hub_bench`,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    REDIS_PREFIX: 'hub',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    HUB_BCRYPT_ROUNDS: '4',
    HUB_ADMIN_USERNAME: 'admin',
    HUB_ADMIN_PASSWORD: 'bench-admin-password',
    HUB_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
    HUB_WEB_PROCESSES: String(options.webProcesses),
    HUB_UPLOAD_DIR: path.join(dataDir, 'uploads'),
    MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN || path.join(ROOT, '.cache/mediasoup/3.19.3/mediasoup-worker'),
    MEDIASOUP_LISTEN_IP: '127.0.0.1',
    // Its media under its own data directory; no RTMP listener (a test hub in the same run may hold the port).
    HUB_MEDIA_DIR: path.join(dataDir, 'media'),
    HUB_RTMP_PORT: '0',
    ...(options.env ?? {}),
  };

  let web: ChildProcess | null = null;
  const startWeb = async () => {
    // node itself (not the tsx wrapper), so the pid is the web primary's.
    const out = options.logFile ? openSync(options.logFile, 'a') : null;
    const stdio = out === null ? (['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit'] as const) : (['ignore', out, out] as const);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], { env, stdio: [...stdio] });
    if (out !== null) closeSync(out);
    web = child;
    process.once('exit', () => child.kill('SIGKILL'));
    // Generous: on the shared 2-core machine two web processes compile and start in 1–4 minutes.
    await waitForPort('127.0.0.1', webPort, 'the web processes', 300_000, child);
    return child;
  };
  await startWeb();

  const baseUrl = `http://127.0.0.1:${webPort}`;
  const redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);

  const kill = (child: ChildProcess | null, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });

  return {
    baseUrl,
    env,
    redis,
    dataDir,
    get web() {
      return web;
    },
    startWeb,
    /** SIGKILL (or SIGTERM) the web primary and its processes. */
    async stopWeb(signal: NodeJS.Signals = 'SIGTERM') {
      await kill(web, signal);
    },
    async restartFerretDb(signal: NodeJS.Signals = 'SIGKILL') {
      await kill(ferret.child, signal);
      ferret = await startFerretDb(path.join(dataDir, 'ferretdb'), mongoPort, path.join(dataDir, 'ferretdb.log'));
    },
    async restartRedis(signal: NodeJS.Signals = 'SIGKILL') {
      await kill(redisServer.child, signal);
      redisServer = await startRedis(path.join(dataDir, 'redis'), redisPort, {
        persistent: true,
        logFile: path.join(dataDir, 'redis.log'),
      });
    },
    async stop() {
      await kill(web, 'SIGTERM');
      redis.disconnect();
      await ferret.stop();
      await redisServer.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A JSON client over fetch for a hub at `baseUrl`, and a live world (users, a product, a live session). */
export function httpClient(baseUrl: string, adminPassword = 'bench-admin-password') {
  const call = async (method: string, route: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(baseUrl + route, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
      // A request a killed process never answers is given up (counted as unanswered), never awaited forever.
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: any = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const must = async (method: string, route: string, token: string | null, body?: unknown) => {
    const res = await call(method, route, token, body);
    if (res.status >= 300) throw new Error(`${method} ${route} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const liveWorld = async (stock: number) => {
    const admin = (await must('POST', '/api/v1/auth/login', null, { username: 'admin', password: adminPassword })).token as string;
    const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const association = await must('POST', '/api/v1/orgs', admin, { type: 'association', name: `协会${stamp}` });
    const enterprise = await must('POST', '/api/v1/orgs', admin, { type: 'enterprise', name: `企业${stamp}` });
    const user = async (role: string, orgId?: string) => {
      const username = `${role}_${stamp}_${Math.random().toString(36).slice(2, 8)}`;
      const created = await must('POST', '/api/v1/users', admin, { username, password: 'password-123', role, ...(orgId ? { orgId } : {}) });
      const token = (await must('POST', '/api/v1/auth/login', null, { username, password: 'password-123' })).token as string;
      return { id: created.id as string, token };
    };
    const assoc = await user('association', association.id);
    const host = await user('host', association.id);
    const seller = await user('enterprise', enterprise.id);
    const base = await must('POST', '/api/v1/bases', assoc.token, { name: `基地${stamp}` });
    const studio = await must('POST', '/api/v1/studios', assoc.token, { baseId: base.id, name: `直播间${stamp}` });
    const product = await must('POST', '/api/v1/products', seller.token, {
      name: '德化白瓷盖碗',
      category: 'ceramic',
      priceFen: 9900,
      stock,
    });
    const startsAt = new Date(Date.now() + 60_000);
    const session = await must('POST', '/api/v1/sessions', assoc.token, {
      studioId: studio.id,
      hostUserId: host.id,
      title: '基准测试专场',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
      productIds: [product.id],
    });
    await must('POST', `/api/v1/sessions/${session.id}/start`, host.token);
    return { admin, assoc, host, seller, association, enterprise, product, session, user };
  };
  return { call, must, liveWorld };
}
