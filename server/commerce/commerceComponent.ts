import type { HubComponent } from '../platform/component.ts';
import { registerBatchRoutes } from './batches/batchRoutes.ts';
import { registerProductRoutes } from './products/productRoutes.ts';
import { registerOrderRoutes } from './orders/orderRoutes.ts';
import { OrderPersister } from './orders/orderPersister.ts';
import { registerCheckoutRoutes } from './checkout/checkoutRoutes.ts';
import { registerFulfilmentRoutes } from './fulfilment/fulfilmentRoutes.ts';
import { registerBuyerRoutes } from './buyers/buyerRoutes.ts';
import { TransitionPersister } from './checkout/transitionPersister.ts';
import { ORDER_EXPIRY_QUEUE, processExpiry } from './checkout/expiry.ts';

/** Products and orders; stock has a single writer (Redis Lua, see orders/stockLedger.ts), orders are written behind. */
export const commerceComponent: HubComponent = {
  name: 'commerce',
  routes: (routes) => {
    registerProductRoutes(routes);
    registerBatchRoutes(routes);
    registerOrderRoutes(routes);
    registerCheckoutRoutes(routes);
    registerFulfilmentRoutes(routes);
    registerBuyerRoutes(routes);
  },
  start: async (ctx) => {
    const connection = ctx.redis.duplicate();
    const persister = new OrderPersister(connection, ctx.config.REDIS_PREFIX);
    await persister.start();
    ctx.services.orderPersister = persister;
    ctx.services.orderPersisterConnection = connection;
    // Order status changes (checkout/orderState.ts) are written behind the same way.
    const transitions = new TransitionPersister(connection, ctx.config.REDIS_PREFIX);
    await transitions.start();
    ctx.services.orderTransitionPersister = transitions;
  },
  stop: async (ctx) => {
    await ctx.services.orderPersister?.stop();
    await ctx.services.orderTransitionPersister?.stop();
    delete ctx.services.orderTransitionPersister;
    await ctx.services.orderExpiryQueue?.close();
    delete ctx.services.orderExpiryQueue;
    ctx.services.orderPersisterConnection?.disconnect();
    delete ctx.services.orderPersister;
    delete ctx.services.orderPersisterConnection;
  },
  // An unpaid order expires and releases its stock (unless payment won the race in Redis).
  processors: [{ queue: ORDER_EXPIRY_QUEUE, concurrency: 10, process: (job, ctx) => processExpiry(job, ctx) }],
};
