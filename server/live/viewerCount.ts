import type { Redis } from 'ioredis';
import type { Socket } from 'socket.io';

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
