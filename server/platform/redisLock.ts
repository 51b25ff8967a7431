import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Deletes the lock only when it still holds our token, so a lock that expired and was re-taken is never released by us. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface LockOptions {
  /** How long a lock lives if its holder dies (ms). */
  ttlMs: number;
  /** How long to keep trying before giving up (ms). */
  waitMs: number;
  /** The error to throw when the wait runs out (a 409, a 503 with Retry-After…). */
  busy: () => Error;
  /** Retry delays: doubling from `firstMs` up to `maxMs`; `jitter` adds up to one delay more at random. */
  retry?: { firstMs: number; maxMs: number; jitter?: boolean };
}

/**
 * Runs `work` while holding every named Redis lock (SET NX PX with a random token): the one lock helper for
 * every process. FerretDB has no transactions, so check-then-write invariants (no double booking, one change
 * per claim, one audit chain) are serialised here across all processes. Names are taken in sorted order so two
 * callers needing overlapping sets cannot deadlock.
 */
export async function withRedisLocks<T>(redis: Redis, names: string[], work: () => Promise<T>, options: LockOptions): Promise<T> {
  const { firstMs, maxMs, jitter } = options.retry ?? { firstMs: 5, maxMs: 100 };
  const deadline = Date.now() + options.waitMs;
  const token = randomUUID();
  const keys = [...new Set(names)].sort();
  const held: string[] = [];
  try {
    for (const key of keys) {
      let delay = firstMs;
      for (;;) {
        if ((await redis.set(key, token, 'PX', options.ttlMs, 'NX')) === 'OK') {
          held.push(key);
          break;
        }
        if (Date.now() > deadline) throw options.busy();
        await new Promise((r) => setTimeout(r, jitter ? delay + Math.random() * delay : delay));
        delay = Math.min(delay * 2, maxMs);
      }
    }
    return await work();
  } finally {
    // A release that fails leaves the lock to its TTL; the work's own result or error is what the caller sees.
    await Promise.all(held.map((key) => redis.eval(RELEASE_SCRIPT, 1, key, token).catch(() => undefined)));
  }
}
