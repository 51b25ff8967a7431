import cluster from 'node:cluster';
import http from 'node:http';
import { loadConfig } from '../config/env.ts';
import { createApp } from './app.ts';
import { components } from './components.ts';
import { bootstrap, exitOnStartupError } from './platform/bootstrap.ts';
import { disconnectMongo } from './platform/db.ts';
import { componentLogger } from './platform/logger.ts';
import { attachSockets } from './sockets.ts';
import { trackHttpRequests } from './platform/httpDrain.ts';
import { announceReady, exitWithPrimary, runPrimary, serveHandedConnections, webProcessCount } from './webCluster.ts';

const log = componentLogger('main');

async function main(): Promise<void> {
  if (cluster.isPrimary) {
    const config = loadConfig();
    const count = webProcessCount(config);
    // Several web processes behind this port (server/webCluster.ts); this process only routes connections.
    if (count > 1) return runPrimary(config, count, log);
  }
  const ctx = await bootstrap();
  for (const component of components) await component.start?.(ctx);

  const app = createApp(ctx);
  const server = http.createServer(app);

  const sockets = attachSockets(server, ctx);
  const requests = trackHttpRequests(server);

  if (cluster.isWorker) {
    // The primary listens and hands connections over.
    serveHandedConnections(server);
  } else {
    await new Promise<void>((resolve) => server.listen(ctx.config.PORT, ctx.config.HOST, resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : ctx.config.PORT;
    log.info({ port }, 'listening');
    process.stdout.write(`Dehua Live Hub is up: http://localhost:${port}/  (API: http://localhost:${port}/api/v1/openapi.json)\n`);
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
    // Stop accepting and answer what is in flight (issue 11.8): connections close after their answer.
    const { unfinished, openConnections } = await requests.drain({ timeoutMs: 10_000 });
    if (unfinished || openConnections) log.warn({ unfinished, openConnections }, 'requests or connections still open after 10 s; closed');
    // Live sockets next, so nothing new arrives while the components flush (the order writer's queue).
    await sockets.close();
    for (const component of [...components].reverse()) await component.stop?.(ctx);
    ctx.redis.disconnect();
    await disconnectMongo();
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
