import http from 'node:http';
import type { Express } from 'express';
import { createApp } from './app.ts';
import { components } from './components.ts';
import { bootstrap } from './bootstrap.ts';
import type { HubContext } from './platform/context.ts';
import { disconnectMongo } from './platform/db.ts';
import { trackHttpRequests, type HttpDrain } from './platform/httpDrain.ts';
import { componentLogger } from './platform/logger.ts';
import { attachSockets, type AttachedSockets } from './sockets.ts';
import { serveHandedConnections } from './webCluster.ts';

const log = componentLogger('hub');

export interface StartHubOptions {
  /** The environment to read the configuration from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Where the HTTP server takes connections: the configured PORT and HOST (default), a port and host
   * (port 0: a free one), or 'handed' in a web process of server/webCluster.ts, whose primary owns the
   * port and hands connections over.
   */
  listen?: { port: number; host: string } | 'handed';
  /** Overrides Node's keep-alive timeout (benchmarks keep connections open between bursts). */
  keepAliveTimeoutMs?: number;
}

export interface StopHubOptions {
  /**
   * Answer what is in flight first (every answer then says `Connection: close`) for at most this long;
   * without it every connection is closed at once (tests and benchmarks).
   */
  drainTimeoutMs?: number;
  /** Runs after the components stopped, while Redis and MongoDB are still connected (benchmarks' clean-up). */
  beforeDisconnect?: (ctx: HubContext) => Promise<void>;
}

export interface RunningHub {
  ctx: HubContext;
  app: Express;
  server: http.Server;
  sockets: AttachedSockets;
  requests: HttpDrain;
  /** The port listened on (the configured one when connections are handed over). */
  port: number;
  /** Stops in order: HTTP, live sockets, components (in reverse), Redis, MongoDB. */
  stop(options?: StopHubOptions): Promise<void>;
}

/**
 * The web process's start-up sequence, in one place for server/main.ts, the test hub and the benchmarks:
 * connect (bootstrap: config, MongoDB, Redis, indexes, seed data), start every component, build the app,
 * attach Socket.IO, listen.
 */
export async function startHub(options: StartHubOptions = {}): Promise<RunningHub> {
  const ctx = await bootstrap(options.env);
  for (const component of components) await component.start?.(ctx);

  const app = createApp(ctx);
  const server = http.createServer(app);
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  const sockets = attachSockets(server, ctx);
  const requests = trackHttpRequests(server);

  let port: number;
  if (options.listen === 'handed') {
    serveHandedConnections(server);
    port = ctx.config.PORT;
  } else {
    const { port: wanted, host } = options.listen ?? { port: ctx.config.PORT, host: ctx.config.HOST };
    await new Promise<void>((resolve) => server.listen(wanted, host, resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : wanted;
  }

  const stop = async ({ drainTimeoutMs, beforeDisconnect }: StopHubOptions = {}) => {
    if (drainTimeoutMs === undefined) {
      server.closeAllConnections();
    } else {
      // Stop accepting and answer what is in flight (issue 11.8): connections close after their answer.
      const { unfinished, openConnections } = await requests.drain({ timeoutMs: drainTimeoutMs });
      if (unfinished || openConnections)
        log.warn({ unfinished, openConnections }, `requests or connections still open after ${drainTimeoutMs} ms; closed`);
    }
    // Live sockets next (this closes the HTTP server too), so nothing new arrives while the components flush.
    await sockets.close();
    for (const component of [...components].reverse()) {
      // One component failing to stop must not keep the others (the order writer's flush) from stopping.
      await component.stop?.(ctx).catch((err: unknown) => log.error({ component: component.name, err }, 'component failed to stop'));
    }
    await beforeDisconnect?.(ctx);
    ctx.redis.disconnect();
    await disconnectMongo();
  };
  return { ctx, app, server, sockets, requests, port, stop };
}
