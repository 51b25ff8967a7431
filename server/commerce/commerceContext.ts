import type { HubContext } from '../platform/context.ts';

/** What commerce's Redis-backed reads and operations use of a HubContext (a test or bench without a hub passes just these). */
export type RedisContext = Pick<HubContext, 'redis'> & { config: Pick<HubContext['config'], 'REDIS_PREFIX'> };
