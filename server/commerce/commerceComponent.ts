import type { HubComponent } from '../components.ts';
import { registerProductRoutes } from './products/productRoutes.ts';
import { registerOrderRoutes } from './orders/orderRoutes.ts';
import { OrderPersister } from './orders/orderPersister.ts';

/** Products and orders; stock has a single writer (Redis Lua, see orders/stockLedger.ts), orders are written behind. */
export const commerceComponent: HubComponent = {
  name: 'commerce',
  routes: (routes) => {
    registerProductRoutes(routes);
    registerOrderRoutes(routes);
  },
  start: async (ctx) => {
    const connection = ctx.redis.duplicate();
    const persister = new OrderPersister(connection, ctx.config.REDIS_PREFIX);
    await persister.start();
    ctx.services.orderPersister = persister;
    ctx.services.orderPersisterConnection = connection;
  },
  stop: async (ctx) => {
    const persister = ctx.services.orderPersister as OrderPersister | undefined;
    await persister?.stop();
    (ctx.services.orderPersisterConnection as { disconnect(): void } | undefined)?.disconnect();
    delete ctx.services.orderPersister;
    delete ctx.services.orderPersisterConnection;
  },
};
