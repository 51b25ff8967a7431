import type http from 'node:http';
import { Server as SocketServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { components } from './components.ts';
import type { HubContext } from './platform/context.ts';
import { joinAuthRooms, socketAuthMiddleware } from './platform/auth/tokenState.ts';

export interface AttachedSockets {
  io: SocketServer;
  close(): Promise<void>;
}

/**
 * Socket.IO on the web server, exactly as production runs it (server/main.ts) and tests use it:
 * the Redis adapter relays broadcasts between web processes, a handshake token identifies the user
 * (public namespaces accept anonymous viewers), and every component attaches its handlers.
 */
export function attachSockets(server: http.Server, ctx: HubContext): AttachedSockets {
  const pub = ctx.redis.duplicate();
  const sub = ctx.redis.duplicate();
  const io = new SocketServer(server, {
    adapter: createAdapter(pub, sub, { key: `${ctx.config.REDIS_PREFIX}:socket.io` }),
    maxHttpBufferSize: 64 * 1024,
    cors: { origin: false },
  });
  // A token (handshake `auth.token` or the session cookie) that is still valid identifies the user; the
  // socket joins its user's and token's rooms so deactivation and sign-out disconnect it at once.
  io.use(socketAuthMiddleware(ctx, { refuseBadToken: false }));
  io.on('connection', (socket) => joinAuthRooms(ctx, socket));
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
