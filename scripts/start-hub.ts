/**
 * `npm start`: local services (unless MONGODB_URI / REDIS_URL point elsewhere), then the web server and
 * the BullMQ workers as two processes, as they run in production. Ctrl-C stops everything it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { ROOT, canConnect, startFerretDb, startRedis, type StartedService } from './services.ts';

const started: StartedService[] = [];
const children: ChildProcess[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    process.stdout.write('\nStopping Dehua Live Hub...\n');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            // The web process drains requests and flushes the order queue first (server/main.ts: 30 s at most).
            const timer = setTimeout(() => child.kill('SIGKILL'), 35_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    for (const service of started.reverse()) await service.stop();
  }
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  const env = { ...process.env };
  const dataDir = path.join(ROOT, 'data');

  if (!env.MONGODB_URI) {
    if (await canConnect('127.0.0.1', 27017)) {
      // Loud on purpose: whatever answers on 27017 (another project's MongoDB, an old FerretDB) gets the hub's data.
      process.stdout.write(
        '\n*** WARNING: something already listens on 127.0.0.1:27017; the hub will use it, database "dehua_hub". ***\n' +
          "*** Stop it, or set MONGODB_URI to the database you mean, if that is not your hub's database.      ***\n\n",
      );
    } else {
      process.stdout.write('Starting FerretDB (SQLite data in ./data/ferretdb)...\n');
      started.push(await startFerretDb(path.join(dataDir, 'ferretdb'), 27017, path.join(dataDir, 'ferretdb.log')));
    }
    env.MONGODB_URI = 'mongodb://127.0.0.1:27017/dehua_hub';
  }
  if (!env.REDIS_URL) {
    // Its own Redis with an append-only file: the order queue and stock counters live there (see services.ts).
    const port = Number(env.HUB_LOCAL_REDIS_PORT || 6380);
    const redisDir = path.join(dataDir, 'redis');
    if (await canConnect('127.0.0.1', port)) {
      if (!(await isOurRedis(port, redisDir))) {
        throw new Error(
          `port ${port} is taken by another server; set HUB_LOCAL_REDIS_PORT to a free port, or REDIS_URL to a persistent Redis`,
        );
      }
      process.stdout.write(`Using the hub's redis-server already running on 127.0.0.1:${port} (./data/redis)\n`);
    } else {
      process.stdout.write(`Starting redis-server (append-only file in ./data/redis) on 127.0.0.1:${port}...\n`);
      started.push(await startRedis(redisDir, port, { persistent: true, logFile: path.join(dataDir, 'redis.log') }));
    }
    env.REDIS_URL = `redis://127.0.0.1:${port}`;
  }

  const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
  const run = (name: string, script: string) => {
    const child = spawn(tsx, [path.join(ROOT, script)], { env: { ...env, HUB_PROCESS_NAME: name }, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`${name} exited (${signal ?? code}); stopping the rest.\n`);
        void stopAll(code ?? 1);
      }
    });
    children.push(child);
  };
  run('workers', 'workers/main.ts');
  run('web', 'server/main.ts');
}

/** A redis-server left running by an earlier `npm start` of this checkout (same data dir, append-only file on). */
async function isOurRedis(port: number, dir: string): Promise<boolean> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    await client.connect();
    const [, actualDir] = (await client.config('GET', 'dir')) as string[];
    const [, aof] = (await client.config('GET', 'appendonly')) as string[];
    return actualDir === dir && aof === 'yes';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

main().catch(async (err) => {
  process.stderr.write(`Dehua Live Hub could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  await stopAll(1);
});
