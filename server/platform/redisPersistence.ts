import type { Redis } from 'ioredis';

/**
 * Accepted orders and stock counters live in Redis until the write-behind persister stores them, so a
 * Redis that keeps nothing on disk loses acknowledged orders when it restarts. This reads the server's
 * persistence settings and says what to change; `npm start` runs its own append-only Redis instead.
 */
export interface RedisPersistence {
  /** The server keeps an append-only file (`appendonly yes`). */
  durable: boolean;
  /** What to change, naming the setting; empty when nothing. */
  problems: string[];
}

export async function checkRedisPersistence(redis: Redis): Promise<RedisPersistence> {
  let settings: Record<string, string>;
  try {
    const pairs = (await redis.call('CONFIG', 'GET', 'appendonly', 'appendfsync', 'save')) as string[];
    settings = {};
    for (let i = 0; i + 1 < pairs.length; i += 2) settings[pairs[i]!] = pairs[i + 1]!;
  } catch (err) {
    // Managed Redis often disables CONFIG: it cannot be checked here, only by its operator.
    return {
      durable: false,
      problems: [
        `could not read the Redis persistence settings (${(err as Error).message}); make sure the server runs with \`appendonly yes\` and \`appendfsync always\``,
      ],
    };
  }
  if (settings.appendonly !== 'yes') {
    const what = settings.save
      ? `only RDB snapshots (save "${settings.save}"), which lose every write since the last one`
      : 'nothing on disk';
    return {
      durable: false,
      problems: [
        `Redis keeps ${what} (appendonly ${settings.appendonly ?? 'no'}): a Redis restart would lose acknowledged orders. Set \`appendonly yes\` and \`appendfsync always\` in its redis.conf (or CONFIG SET appendonly yes; CONFIG SET appendfsync always; CONFIG REWRITE), or unset REDIS_URL so \`npm start\` runs its own`,
      ],
    };
  }
  if (settings.appendfsync !== 'always') {
    return {
      durable: true,
      problems: [
        `Redis syncs its append-only file ${settings.appendfsync === 'no' ? 'when the OS decides' : 'once a second'} (appendfsync ${settings.appendfsync}): a machine crash can lose the last acknowledged orders. Set \`appendfsync always\``,
      ],
    };
  }
  return { durable: true, problems: [] };
}
