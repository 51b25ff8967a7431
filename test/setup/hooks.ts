/**
 * Mocha global fixtures: a private FerretDB (SQLite in a temp dir, on a free port) and the machine's
 * Redis (started if absent), with a key prefix unique to this run so parallel runs never collide.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { deleteRedisPrefix, ensureRedis, freePort, startFerretDb, type StartedService } from '../../scripts/services.ts';

// Set before any spec file loads, so modules that read them at import time (the logger) see them.
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL ??= 'silent';

let ferret: StartedService | null = null;
let redisService: StartedService | null = null;
let dataDir = '';

export async function mochaGlobalSetup(): Promise<void> {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
  const port = await freePort();
  // Test data dies with the run: no fsync per commit (scripts/services.ts, sqliteSynchronous).
  process.env.HUB_SQLITE_SYNCHRONOUS ??= 'normal';
  ferret = await startFerretDb(path.join(dataDir, 'ferretdb'), port, path.join(dataDir, 'ferretdb.log'));
  process.env.NODE_ENV = 'test';
  process.env.MONGODB_URI = `mongodb://127.0.0.1:${port}/hub_test`;
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  process.env.REDIS_PREFIX = `test${process.pid}`;
  process.env.HUB_BCRYPT_ROUNDS = '4';
  process.env.HUB_ADMIN_USERNAME = 'admin';
  process.env.HUB_ADMIN_PASSWORD = 'admin-password-1';
  // Every test signs in from 127.0.0.1: keep the per-address limit out of the way (its own test uses the limiter directly).
  process.env.HUB_LOGIN_MAX_FAILURES_PER_ADDRESS = '1000';
  // Buyers sign up from 127.0.0.1 too; the per-address sign-up limit has its own test on the limiter.
  process.env.HUB_SIGNUP_MAX_PER_ADDRESS = '100000';
  process.env.HUB_SIGNUP_POW_BITS = '8';
  process.env.LOG_LEVEL ??= 'silent';
  process.env.HUB_TEST_DATA_DIR = dataDir;
  // Parallel test runs on one machine must not fight over the WebRtcServer's fixed ports: take free ones.
  process.env.MEDIASOUP_WEBRTC_PORT ??= '0';
  process.env.HUB_UPLOAD_DIR = path.join(dataDir, 'uploads');
  redisService = await ensureRedis(process.env.REDIS_URL, path.join(dataDir, 'redis'));
}

export async function mochaGlobalTeardown(): Promise<void> {
  try {
    const redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true });
    await redis.connect();
    await deleteRedisPrefix(redis, process.env.REDIS_PREFIX!);
    redis.disconnect();
  } catch {
    // Redis already gone: nothing to clean.
  }
  await ferret?.stop();
  await redisService?.stop();
  if (dataDir && !process.env.HUB_KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
}
