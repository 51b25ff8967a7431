import type { Redis } from 'ioredis';
import { conflict } from '../platform/errors.ts';
import { withRedisLocks } from '../platform/redisLock.ts';

/**
 * One change at a time per claim, across every web and worker process: a Redis lock (SET NX PX)
 * around read-check-write, because FerretDB cannot make a conditional update atomic. Without it a
 * reviewer's approval and a re-assessment (or two reviewers) could both act on the same state.
 */
export async function withClaimLock<T>(redis: Redis, prefix: string, claimId: string, fn: () => Promise<T>, waitMs = 5000): Promise<T> {
  return withRedisLocks(redis, [`${prefix}:claim-lock:${claimId}`], fn, {
    ttlMs: 30_000,
    waitMs,
    busy: () => conflict(`Claim ${claimId} is being changed by someone else; try again`, undefined, 'busy'),
  });
}
