/**
 * A whole hub for the live benchmarks: its own FerretDB (temp dir, free port), the machine's Redis with a
 * private key prefix, the web app with Socket.IO (Redis adapter) and every component, listening on a
 * free port. stop() takes everything down and deletes the data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, deleteRedisPrefix, ensureRedis, freePort, startFerretDb } from '../scripts/services.ts';
import { httpClient } from './clusterBenchHub.ts';

export const say = (line: string) => process.stdout.write(`${line}\n`);

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function startLiveBenchHub(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-live-bench-'));
  const port = await freePort();
  const ferret = await startFerretDb(path.join(dataDir, 'ferretdb'), port, path.join(dataDir, 'ferretdb.log'));
  const redisService = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', path.join(dataDir, 'redis'));
  Object.assign(process.env, {
    MONGODB_URI: `mongodb://127.0.0.1:${port}/hub_bench`,
    REDIS_PREFIX: `livebench${process.pid}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    HUB_BCRYPT_ROUNDS: '4',
    HUB_ADMIN_USERNAME: 'admin',
    HUB_ADMIN_PASSWORD: 'bench-admin-password',
    HUB_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
    MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN || path.join(ROOT, '.cache/mediasoup/3.19.3/mediasoup-worker'),
    ...env,
  });
  // Imported after the environment is set: the logger and mediasoup read it when they load.
  const { startHub } = await import('../server/startHub.ts');
  const hub = await startHub({ listen: { port: 0, host: '127.0.0.1' }, keepAliveTimeoutMs: 60_000 });
  const { ctx } = hub;
  const baseUrl = `http://127.0.0.1:${hub.port}`;

  // The same HTTP helpers and scripted live world as the cluster bench hub.
  const { call, must, liveWorld } = httpClient(baseUrl);

  const stop = async () => {
    // Drop this run's keys from the shared Redis before it disconnects.
    await hub.stop({ beforeDisconnect: (c) => deleteRedisPrefix(c.redis, c.config.REDIS_PREFIX) });
    await ferret.stop();
    await redisService?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { ctx, baseUrl, call, must, liveWorld, stop };
}
