import type { Redis } from 'ioredis';
import type { Namespace, Socket } from 'socket.io';
import type { HubContext } from '../platform/context.ts';
import { hubEvents } from '../platform/events.ts';
import { componentLogger } from '../platform/logger.ts';
import { countViewer } from '../commerce/live/sessionAnalytics.ts';
import { raisePeakViewers } from './sessions/commands/sessionRecord.ts';
import { sessionRoom } from './liveSocket.ts';

const log = componentLogger('live-signalling');

/**
 * Viewer counts that sockets cannot inflate: a signed-in viewer counts once however many connections they
 * open; anonymous connections count per client address, at most ANONYMOUS_PER_ADDRESS each (a household or
 * a café behind one address still shows as several viewers, a script opening 100 sockets does not).
 * Redis (all processes): `sockets` hash socket id -> identity, `identities` hash identity -> open sockets.
 */
export const ANONYMOUS_PER_ADDRESS = 3;

const keys = (prefix: string, sessionId: string) => [
  `${prefix}:live:audience-sockets:${sessionId}`,
  `${prefix}:live:audience:${sessionId}`,
];

/** The identity a viewer socket counts as. */
export function viewerIdentity(socket: Socket, userId: string | undefined, trustProxy: boolean): string {
  if (userId) return `u:${userId}`;
  const forwarded = trustProxy
    ? String(socket.handshake.headers['x-forwarded-for'] ?? '')
        .split(',')[0]
        ?.trim()
    : '';
  return `a:${forwarded || socket.handshake.address}`;
}

const COUNT = `
local total = 0
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  local n = tonumber(all[i + 1])
  if string.sub(all[i], 1, 2) == 'u:' then
    if n > 0 then total = total + 1 end
  else
    total = total + math.min(n, tonumber(ARGV[1]))
  end
end
`;

const ADD = `
if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
  redis.call('EXPIRE', KEYS[1], 172800)
  redis.call('EXPIRE', KEYS[2], 172800)
end
${COUNT}
return total
`;

const REMOVE = `
local identity = redis.call('HGET', KEYS[1], ARGV[2])
if identity then
  redis.call('HDEL', KEYS[1], ARGV[2])
  if redis.call('HINCRBY', KEYS[2], identity, -1) <= 0 then redis.call('HDEL', KEYS[2], identity) end
end
${COUNT}
return total
`;

/** The session's viewer count and its peak (kept a week for the session record). KEYS: sockets, identities, peak. */
const PEAK = `
${COUNT}
local peak = tonumber(redis.call('GET', KEYS[3]) or '0')
if total > peak then redis.call('SET', KEYS[3], total, 'EX', 604800); peak = total end
return {total, peak}
`;

export async function addViewer(redis: Redis, prefix: string, sessionId: string, socketId: string, identity: string): Promise<number> {
  return (await redis.eval(ADD, 2, ...keys(prefix, sessionId), ANONYMOUS_PER_ADDRESS, socketId, identity)) as number;
}

export async function removeViewer(redis: Redis, prefix: string, sessionId: string, socketId: string): Promise<number> {
  return (await redis.eval(REMOVE, 2, ...keys(prefix, sessionId), ANONYMOUS_PER_ADDRESS, socketId)) as number;
}

export async function viewerCountAndPeak(redis: Redis, prefix: string, sessionId: string): Promise<[number, number]> {
  return (await redis.eval(PEAK, 3, ...keys(prefix, sessionId), `${prefix}:live:peak:${sessionId}`, ANONYMOUS_PER_ADDRESS)) as [
    number,
    number,
  ];
}

/**
 * This process's viewers entering and leaving sessions. Counts go out at most every 250 ms per session: a crowd
 * joining at once is one `viewers` event, not thousands; the peak is kept on the session.
 */
export class ViewerCounts {
  private readonly pendingFlush = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: HubContext,
    private readonly nsp: Namespace,
  ) {}

  async enter(socket: Socket, sessionId: string, userId: string | undefined): Promise<void> {
    const { redis, config } = this.ctx;
    await addViewer(redis, config.REDIS_PREFIX, sessionId, socket.id, viewerIdentity(socket, userId, config.HUB_TRUST_PROXY));
    await countViewer(this.ctx, sessionId, userId ?? socket.id);
    this.scheduleFlush(sessionId);
  }

  leave(socketId: string, sessionId: string): void {
    void removeViewer(this.ctx.redis, this.ctx.config.REDIS_PREFIX, sessionId, socketId).then(() => this.scheduleFlush(sessionId));
  }

  stop(): void {
    for (const timer of this.pendingFlush.values()) clearTimeout(timer);
  }

  private scheduleFlush(sessionId: string): void {
    if (this.pendingFlush.has(sessionId)) return;
    this.pendingFlush.set(
      sessionId,
      setTimeout(() => {
        this.pendingFlush.delete(sessionId);
        void this.flush(sessionId).catch((err) => log.warn({ err: String(err) }, 'viewer count flush failed'));
      }, 250),
    );
  }

  private async flush(sessionId: string): Promise<void> {
    const [count, peak] = await viewerCountAndPeak(this.ctx.redis, this.ctx.config.REDIS_PREFIX, sessionId);
    this.nsp.to(sessionRoom(sessionId)).emit('viewers', { sessionId, count, peak });
    hubEvents.emit('session.viewers', { sessionId, viewers: count });
    await raisePeakViewers(sessionId, peak);
  }
}
