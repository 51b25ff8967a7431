import { z } from 'zod';
import type { RouteTable } from '../platform/http/routeTable.ts';
import type { HubContext } from '../platform/context.ts';
import { pingMongo } from '../platform/db.ts';
import { pingRedis } from '../platform/redis.ts';
import { hubEvents } from '../platform/events.ts';

const HealthResponse = z
  .object({ status: z.enum(['ok', 'degraded']), mongo: z.enum(['up', 'down']), redis: z.enum(['up', 'down']) })
  .openapi('Health');

export function registerHealthRoutes(routes: RouteTable): void {
  routes.route({
    method: 'get',
    path: '/health',
    summary: 'Liveness of the hub and its services (503 when one is down)',
    tags: ['health'],
    access: 'public',
    response: HealthResponse,
    handler: async ({ req, res }) => {
      const ctx = req.app.locals.ctx as HubContext;
      const [mongoUp, redisUp] = await Promise.all([pingMongo(), pingRedis(ctx.redis)]);
      const body = { status: mongoUp && redisUp ? 'ok' : 'degraded', mongo: mongoUp ? 'up' : 'down', redis: redisUp ? 'up' : 'down' };
      // Failed event handlers (counters, re-assessment enqueues) in this process: a header, so the body keeps the contract's shape.
      res.set('X-Event-Handler-Errors', String(hubEvents.handlerErrorTotal()));
      res.status(mongoUp && redisUp ? 200 : 503).json(body);
    },
  });
}
