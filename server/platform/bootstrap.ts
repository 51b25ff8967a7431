import { loadConfig, ConfigError, type HubConfig } from '../../config/env.ts';
import { connectMongo, syncIndexes } from './db.ts';
import { connectRedis } from './redis.ts';
import type { HubContext } from './context.ts';
import { emptyServices } from './services.ts';
import { useAuditChainLock } from './audit/auditLog.ts';
import { useAuditOutbox } from './audit/outbox.ts';
import { checkRedisPersistence } from './redisPersistence.ts';
import { componentLogger } from './logger.ts';

/**
 * The platform's part of start-up: config, MongoDB, Redis, indexes, the audit chain. Seed data and what
 * components provide the platform are added by server/bootstrap.ts (platform imports no component).
 */
export async function connectPlatform(env: NodeJS.ProcessEnv = process.env): Promise<HubContext> {
  const config: HubConfig = loadConfig(env);
  await connectMongo(config.MONGODB_URI);
  const redis = await connectRedis(config.REDIS_URL);
  const persistence = await checkRedisPersistence(redis);
  if (!persistence.durable && config.NODE_ENV === 'production') {
    redis.disconnect();
    throw new ConfigError(persistence.problems.map((p) => `REDIS_URL: refused in production: ${p}`));
  }
  for (const problem of persistence.problems) componentLogger('redis').warn({ setting: 'REDIS_URL' }, problem);
  useAuditChainLock(redis, config.REDIS_PREFIX);
  useAuditOutbox({ redis, config });
  await syncIndexes();
  return { config, redis, services: emptyServices() };
}

/** Print a start-up failure as the one message a person needs, then exit. */
export function exitOnStartupError(err: unknown, log: { fatal: (obj: object, msg: string) => void }): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`Dehua Live Hub could not start: ${message}\n`);
    log.fatal({ err }, 'start-up failed');
  }
  process.exit(1);
}
