import http from 'node:http';
import { Server as SocketServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createApp } from './app.ts';
import { components } from './components.ts';
import { bootstrap, exitOnStartupError } from './platform/bootstrap.ts';
import { disconnectMongo } from './platform/db.ts';
import { componentLogger } from './platform/logger.ts';
import { verifyToken } from './platform/auth/tokens.ts';

const log = componentLogger('main');

async function main(): Promise<void> {
  const ctx = await bootstrap();
  for (const component of components) await component.start?.(ctx);

  const app = createApp(ctx);
  const server = http.createServer(app);

  // Socket.IO across processes: the Redis adapter relays broadcasts between every web process.
  const pub = ctx.redis.duplicate();
  const sub = ctx.redis.duplicate();
  const io = new SocketServer(server, {
    adapter: createAdapter(pub, sub, { key: `${ctx.config.REDIS_PREFIX}:socket.io` }),
    maxHttpBufferSize: 64 * 1024,
    cors: { origin: false },
  });
  // A token in the handshake identifies the user; public namespaces accept anonymous viewers.
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token === 'string' && token) {
      const check = verifyToken(token, ctx.config.HUB_JWT_SECRET);
      if (check.ok) socket.data.user = check.user;
    }
    next();
  });
  ctx.services.io = io;
  for (const component of components) component.sockets?.(io, ctx);

  await new Promise<void>((resolve) => server.listen(ctx.config.PORT, ctx.config.HOST, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.config.PORT;
  log.info({ port }, 'listening');
  process.stdout.write(`Dehua Live Hub is up: http://localhost:${port}/  (API: http://localhost:${port}/api/v1/openapi.json)\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    io.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const component of [...components].reverse()) await component.stop?.(ctx);
    pub.disconnect();
    sub.disconnect();
    ctx.redis.disconnect();
    await disconnectMongo();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => exitOnStartupError(err, log));
