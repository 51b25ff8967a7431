import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { conflict } from '../platform/errors.ts';

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * One change at a time per claim, across every web and worker process: a Redis lock (SET NX PX)
 * around read-check-write, because FerretDB cannot make a conditional update atomic. Without it a
 * reviewer's approval and a re-assessment (or two reviewers) could both act on the same state.
 */
export async function withClaimLock<T>(redis: Redis, prefix: string, claimId: string, fn: () => Promise<T>, waitMs = 5000): Promise<T> {
  const key = `${prefix}:claim-lock:${claimId}`;
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  let delay = 5;
  for (;;) {
    if ((await redis.set(key, token, 'PX', 30_000, 'NX')) === 'OK') break;
    if (Date.now() > deadline) throw conflict(`Claim ${claimId} is being changed by someone else; try again`, undefined, 'busy');
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 100);
  }
  try {
    return await fn();
  } finally {
    await redis.eval(UNLOCK, 1, key, token);
  }
}
