import type { Redis } from 'ioredis';
import { LiveSessionModel } from './session.model.ts';

/**
 * Hot, cross-process facts about a session kept in Redis so per-order and per-viewer paths need no
 * database read: whether it is live, and the pinned product.
 */
export const liveStatusKey = (prefix: string, sessionId: string) => `${prefix}:live:status:${sessionId}`;
export const pinnedKey = (prefix: string, sessionId: string) => `${prefix}:live:pin:${sessionId}`;

export async function markSessionStatus(redis: Redis, prefix: string, sessionId: string, status: string): Promise<void> {
  await redis.set(liveStatusKey(prefix, sessionId), status, 'EX', 7 * 24 * 3600);
}

/** The session's status from Redis, falling back to (and caching) the database. Null for an unknown session. */
export async function sessionStatus(redis: Redis, prefix: string, sessionId: string): Promise<string | null> {
  const cached = await redis.get(liveStatusKey(prefix, sessionId));
  if (cached) return cached;
  const session = await LiveSessionModel.findById(sessionId, { status: 1 }).lean();
  if (!session) return null;
  await markSessionStatus(redis, prefix, sessionId, session.status);
  return session.status;
}
