import type http from 'node:http';
import { Server as SocketServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { components } from './components.ts';
import type { HubContext } from './platform/context.ts';

export interface AttachedSockets {
  io: SocketServer;
  close(): Promise<void>;
}

/**
 * Socket.IO on the web server, exactly as production runs it (server/main.ts) and tests use it:
 * the Redis adapter relays broadcasts between web processes and every component attaches its namespaces.
 */
export function attachSockets(server: http.Server, ctx: HubContext): AttachedSockets {
  const pub = ctx.redis.duplicate();
  const sub = ctx.redis.duplicate();
  const io = new SocketServer(server, {
    adapter: createAdapter(pub, sub, { key: `${ctx.config.REDIS_PREFIX}:socket.io` }),
    maxHttpBufferSize: 64 * 1024,
    cors: { origin: false },
  });
  // Nothing connects to the root namespace: each namespace checks its own handshake (e.g. /live with
  // platform/auth/tokenState.ts's socketAuthMiddleware and joinAuthRooms; /screen is public and read-only).
  ctx.services.io = io;
  for (const component of components) component.sockets?.(io, ctx);
  return {
    io,
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      pub.disconnect();
      sub.disconnect();
    },
  };
}
