/**
 * A whole hub for the live benchmarks: its own FerretDB (temp dir, free port), the machine's Redis with a
 * private key prefix, the web app with Socket.IO (Redis adapter) and every component, listening on a
 * free port. stop() takes everything down and deletes the data.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
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
  const { bootstrap } = await import('../server/platform/bootstrap.ts');
  const { createApp } = await import('../server/app.ts');
  const { components } = await import('../server/components.ts');
  const { attachSockets } = await import('../server/sockets.ts');
  const mongoose = (await import('mongoose')).default;

  const ctx = await bootstrap();
  for (const component of components) await component.start?.(ctx);
  const app = createApp(ctx);
  const server = http.createServer(app);
  server.keepAliveTimeout = 60_000;
  const sockets = attachSockets(server, ctx);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The same HTTP helpers and scripted live world as the cluster bench hub.
  const { call, must, liveWorld } = httpClient(baseUrl);

  const stop = async () => {
    server.closeAllConnections();
    await sockets.close(); // closes the HTTP server too
    for (const component of [...components].reverse()) await component.stop?.(ctx);
    // Drop this run's keys from the shared Redis.
    await deleteRedisPrefix(ctx.redis, ctx.config.REDIS_PREFIX);
    ctx.redis.disconnect();
    await mongoose.disconnect();
    await ferret.stop();
    await redisService?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { ctx, baseUrl, call, must, liveWorld, stop };
}
