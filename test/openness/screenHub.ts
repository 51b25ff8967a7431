/**
 * The shared test hub with Socket.IO attached as server/main.ts does (Redis adapter, every
 * component's sockets), unless another suite in this process already attached it.
 */
import { Server as SocketServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { getTestHub, type TestHub } from '../support/testHub.ts';
import { components } from '../../server/components.ts';

let attached: Promise<TestHub> | null = null;

export function getScreenHub(): Promise<TestHub> {
  attached ??= (async () => {
    const hub = await getTestHub();
    if (!hub.ctx.services.io) {
      const pub = hub.ctx.redis.duplicate();
      const sub = hub.ctx.redis.duplicate();
      const io = new SocketServer(hub.server, { adapter: createAdapter(pub, sub, { key: `${hub.ctx.config.REDIS_PREFIX}:socket.io` }) });
      hub.ctx.services.io = io;
      for (const component of components) component.sockets?.(io, hub.ctx);
      hub.server.once('close', () => {
        pub.disconnect();
        sub.disconnect();
      });
    }
    return hub;
  })();
  return attached;
}
