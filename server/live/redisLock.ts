import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { HttpError } from '../platform/errors.ts';

/** Deletes the lock only when it still holds our token, so a lock that expired and was re-taken is never released by us. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface LockOptions {
  /** How long a lock lives if its holder dies (ms). */
  ttlMs?: number;
  /** How long to keep trying before giving up with 409/503 (ms). */
  waitMs?: number;
}

/**
 * Runs `work` while holding every named Redis lock (SET NX PX with a random token). Names are taken in
 * sorted order so two callers needing overlapping sets cannot deadlock. FerretDB has no transactions,
 * so check-then-insert invariants (no double booking) are serialised here across all processes.
 */
export async function withRedisLocks<T>(redis: Redis, names: string[], work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const ttlMs = options.ttlMs ?? 10_000;
  const deadline = Date.now() + (options.waitMs ?? 8_000);
  const token = randomUUID();
  const keys = [...new Set(names)].sort();
  const held: string[] = [];
  try {
    for (const key of keys) {
      let delay = 5;
      for (;;) {
        if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') {
          held.push(key);
          break;
        }
        if (Date.now() > deadline) {
          throw new HttpError(503, 'service_unavailable', 'The schedule is busy with other bookings; try again in a moment', undefined, { 'Retry-After': '1' });
        }
        await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
        delay = Math.min(delay * 2, 100);
      }
    }
    return await work();
  } finally {
    await Promise.all(held.map((key) => redis.eval(RELEASE_SCRIPT, 1, key, token).catch(() => undefined)));
  }
}
