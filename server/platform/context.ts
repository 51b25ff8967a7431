import type { Redis } from 'ioredis';
import type { HubConfig } from '../../config/env.ts';
import type { HubServices } from './services.ts';

/**
 * What the app needs from the outside world, built by main.ts (or the test setup) and handed to createApp.
 * Components reach it through `req.app.locals.ctx` or as a service argument, never through globals.
 */
export interface HubContext {
  config: HubConfig;
  redis: Redis;
  /** What components acquired at start-up (queues, Socket.IO, media), one typed slot each (services.ts). */
  services: HubServices;
}
