import cluster from 'node:cluster';
import { loadConfig } from '../config/env.ts';
import { exitOnStartupError } from './platform/bootstrap.ts';
import { componentLogger } from './platform/logger.ts';
import { startHub } from './startHub.ts';
import { announceReady, exitWithPrimary, runPrimary, webProcessCount } from './webCluster.ts';

const log = componentLogger('main');

async function main(): Promise<void> {
  if (cluster.isPrimary) {
    const config = loadConfig();
    const count = webProcessCount(config);
    // Several web processes behind this port (server/webCluster.ts); this process only routes connections.
    if (count > 1) return runPrimary(config, count, log);
  }
  // In a web process of the cluster the primary listens and hands connections over.
  const hub = await startHub({ listen: cluster.isWorker ? 'handed' : undefined });
  if (cluster.isPrimary) {
    log.info({ port: hub.port }, 'listening');
    process.stdout.write(`Dehua Live Hub is up: http://localhost:${hub.port}/  (API: http://localhost:${hub.port}/api/v1/openapi.json)\n`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    await hub.stop({ drainTimeoutMs: 10_000 });
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  if (cluster.isWorker) {
    exitWithPrimary(() => void shutdown('primary gone'));
    announceReady();
  }
}

main().catch((err) => exitOnStartupError(err, log));
