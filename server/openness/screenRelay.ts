import type { Server as SocketServer } from 'socket.io';
import type { Redis } from 'ioredis';
import type { HubContext } from '../platform/context.ts';
import { componentLogger } from '../platform/logger.ts';
import { overviewKeys } from './overviewKeys.ts';
import type { OverviewPush } from './overviewCounters.ts';

const log = componentLogger('screen');

export const SCREEN_NAMESPACE = '/screen';
/** Batched pushes go out at most this often, so a burst of orders costs each screen a few messages a second. */
const FLUSH_MS = 200;

/**
 * Relays overview pushes to the '/screen' namespace. Every counter update, in whichever process
 * (web or worker) produced it, is PUBLISHed once on a Redis channel; every web process subscribes
 * and delivers it to its own sockets only (`local`), so each screen gets each push exactly once
 * however many web processes there are.
 */
export function startScreenRelay(io: SocketServer, ctx: HubContext): () => Promise<void> {
  const channel = overviewKeys(ctx.config).channel;
  const namespace = io.of(SCREEN_NAMESPACE);
  // The screen is public and read-only: clients send nothing it listens to.
  namespace.on('connection', (socket) => {
    socket.emit('hello', { at: new Date().toISOString() });
  });
  const subscriber: Redis = ctx.redis.duplicate();
  let pending: OverviewPush[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const batch = pending;
    pending = [];
    if (batch.length) namespace.local.emit('overview:updates', batch);
  };
  subscriber.on('message', (_channel, message) => {
    try {
      pending.push(JSON.parse(message) as OverviewPush);
    } catch (err) {
      log.warn({ err }, 'ignored a malformed overview push');
      return;
    }
    timer ??= setTimeout(flush, FLUSH_MS);
  });
  subscriber.subscribe(channel).catch((err) => log.error({ err }, 'could not subscribe to overview pushes'));
  return async () => {
    if (timer) clearTimeout(timer);
    subscriber.disconnect();
  };
}
