import type { ConnectionOptions, QueueOptions } from 'bullmq';
import type { HubConfig } from '../../config/env.ts';

/** BullMQ connection settings from REDIS_URL; every queue shares the hub's key prefix. */
export function bullConnection(config: Pick<HubConfig, 'REDIS_URL'>): ConnectionOptions {
  const url = new URL(config.REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

export function queueOptions(config: Pick<HubConfig, 'REDIS_URL' | 'REDIS_PREFIX'>): QueueOptions {
  return {
    connection: bullConnection(config),
    prefix: `${config.REDIS_PREFIX}:bull`,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { count: 1000, age: 24 * 3600 },
      removeOnFail: false,
    },
  };
}
