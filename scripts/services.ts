/**
 * Starts the local services the hub needs when they are not already there: FerretDB (MongoDB wire
 * protocol over SQLite) and redis-server. Used by `npm start` and by the test setup.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitForPort(host: string, port: number, what: string, timeoutMs = 30_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before accepting connections`);
    if (await canConnect(host, port)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} did not accept connections on ${host}:${port} within ${timeoutMs / 1000} s`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface StartedService {
  name: string;
  child: ChildProcess | null;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
    void name;
  });
}

/**
 * Builds FerretDB if needed (scripts/ensure-ferretdb.sh) and returns the binary path: by default the
 * build with scripts/ferretdb/*.patch (SQLite using its indexes); 'unpatched' is plain v1.24.2.
 */
export function ferretDbBinary(build: 'patched' | 'unpatched' = 'patched'): string {
  const args = [path.join(ROOT, 'scripts/ensure-ferretdb.sh'), ...(build === 'unpatched' ? ['--unpatched'] : [])];
  const out = execFileSync('bash', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop()!;
}

export interface FerretDbOptions {
  /** Binary to run instead of the patched build (the differential test runs the unpatched one). */
  bin?: string;
  /** 'debug' logs every SQL statement with its arguments (the query-plan test reads them). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  logFormat?: 'console' | 'text' | 'json';
  /** SQLite commit durability; default from HUB_SQLITE_SYNCHRONOUS (bench/ferretdb.ts compares both). */
  synchronous?: 'normal' | 'full';
}

/**
 * SQLite's commit durability for the embedded FerretDB (`HUB_SQLITE_SYNCHRONOUS`, WAL mode). `full` (the default)
 * syncs the WAL on every commit, so an acknowledged write survives a power cut too, as the orders' Redis does
 * (`appendfsync always`, docs/faults.md): the audit chain's tail lives in Redis, and a database that lost its last
 * commits behind it would break the chain. `normal` loses nothing when a process crashes and writes about 4× as
 * fast, but a power cut can roll back the last commits: the test suite uses it (its data dies with the run).
 */
export function sqliteSynchronous(value = process.env.HUB_SQLITE_SYNCHRONOUS): 'normal' | 'full' {
  const mode = (value ?? 'full').trim().toLowerCase() || 'full';
  if (mode !== 'normal' && mode !== 'full') {
    throw new Error(`HUB_SQLITE_SYNCHRONOUS must be "normal" or "full", got ${JSON.stringify(value)}`);
  }
  return mode;
}

/** Starts FerretDB with SQLite data under `dataDir`, listening on 127.0.0.1:`port`. */
export async function startFerretDb(
  dataDir: string,
  port: number,
  logFile?: string,
  options: FerretDbOptions = {},
): Promise<StartedService> {
  const bin = options.bin ?? ferretDbBinary();
  mkdirSync(dataDir, { recursive: true });
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(
    bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir.replace(/\/?$/, '/')}?_pragma=synchronous(${options.synchronous ?? sqliteSynchronous()})`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${dataDir}`,
      '--telemetry=disable',
      `--log-level=${options.logLevel ?? 'warn'}`,
      ...(options.logFormat ? [`--log-format=${options.logFormat}`] : []),
      '--debug-addr=-',
    ],
    { stdio: ['ignore', out, out] },
  );
  await waitForPort('127.0.0.1', port, 'FerretDB', 30_000, child);
  return { name: 'ferretdb', child, stop: () => stopChild(child, 'ferretdb') };
}

/** Uses the Redis at `url` when it answers; otherwise starts a local redis-server on its port. */
export async function ensureRedis(url: string, dataDir: string): Promise<StartedService | null> {
  const parsed = new URL(url);
  const host = parsed.hostname || '127.0.0.1';
  const port = Number(parsed.port || 6379);
  if (await canConnect(host, port)) return null;
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(`Redis at ${host}:${port} does not answer; start it or set REDIS_URL to a reachable server`);
  }
  mkdirSync(dataDir, { recursive: true });
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dataDir], {
      stdio: 'ignore',
    });
  } catch {
    throw new Error('redis-server is not installed: run `apt-get install redis-server` or set REDIS_URL to a running Redis');
  }
  await new Promise((r) => setTimeout(r, 50));
  if (child.exitCode !== null)
    throw new Error('redis-server could not start: install it (`apt-get install redis-server`) or set REDIS_URL');
  await waitForPort(host, port, 'redis-server', 15_000, child);
  return { name: 'redis', child, stop: () => stopChild(child, 'redis') };
}

/**
 * Starts redis-server on 127.0.0.1:`port` with its data under `dataDir`. `persistent` (what `npm start`
 * runs) keeps an append-only file fsynced before every reply (`appendfsync always`): an order is
 * acknowledged (201) once it sits in Redis's write-behind queue, and the persister writes it to the
 * database only a moment later, so `everysec` could lose the last second of acknowledged orders when the
 * machine or redis-server dies between write and fsync (or when a slow disk postpones the write by up to
 * 2 s). `always` costs one fsync per event-loop turn, shared by every command of that turn.
 */
export async function startRedis(
  dataDir: string,
  port: number,
  options: { persistent: boolean; logFile?: string },
): Promise<StartedService> {
  mkdirSync(dataDir, { recursive: true });
  const persistence = options.persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--appenddirname', 'appendonly', '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  const out = options.logFile ? openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--dir', dataDir, '--daemonize', 'no', ...persistence],
    {
      stdio: ['ignore', out, out],
    },
  );
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
  });
  if (!spawned) throw new Error('redis-server is not installed: run `apt-get install redis-server` or set REDIS_URL to a running Redis');
  await waitForPort('127.0.0.1', port, 'redis-server', 30_000, child);
  return { name: 'redis', child, stop: () => stopChild(child, 'redis') };
}

/** Deletes every Redis key under `prefix:` (a test run's or a bench run's own keys on a shared Redis). */
export async function deleteRedisPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
