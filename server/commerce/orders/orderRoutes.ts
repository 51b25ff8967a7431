import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, objectId } from '../../platform/http/schemas.ts';
import { validationError } from '../../platform/errors.ts';
import type { HubContext } from '../../platform/context.ts';
import { getOrder, listMyOrders, placeOrder } from './orderService.ts';

export const OrderResponse = z
  .object({
    id: z.string(), productId: z.string(), enterpriseId: z.string(), buyerUserId: z.string(), quantity: z.number().int(),
    unitPriceFen: z.number().int(), amountFen: z.number().int(), sessionId: z.string().nullable(), idempotencyKey: z.string(),
    status: z.enum(['placed', 'cancelled']), createdAt: z.string().nullable(),
  })
  .openapi('Order');

const idempotencyHeader = z
  .string({ required_error: 'is required: send a unique key per order (e.g. a UUID) and repeat it on retries' })
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export function registerOrderRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post', path: '/orders', summary: 'Buy a product; send an Idempotency-Key header so a retry sells once', tags: ['orders'],
    access: 'signed-in', status: 201, response: OrderResponse,
    body: z
      .object({
        productId: objectId('productId'),
        quantity: z.number({ invalid_type_error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000'),
        sessionId: objectId('sessionId').optional(),
      })
      .strict()
      .openapi('PlaceOrder'),
    handler: async ({ req, res, user, body }) => {
      const key = idempotencyHeader.safeParse(req.header('idempotency-key'));
      if (!key.success) throw validationError(new z.ZodError(key.error.issues.map((i) => ({ ...i, path: ['Idempotency-Key'] }))), 'header');
      const ctx = req.app.locals.ctx as HubContext;
      const { order, replayed } = await placeOrder(ctx.redis, ctx.config.REDIS_PREFIX, user, { ...body, idempotencyKey: key.data });
      if (replayed) res.set('Idempotent-Replayed', 'true');
      return order;
    },
  });
  routes.route({
    method: 'get', path: '/orders', summary: 'Orders: a buyer sees its own, an enterprise its sales, bureau and auditor all', tags: ['orders'],
    access: 'signed-in',
    query: z.object({
      sessionId: objectId('sessionId').optional(),
      cursor: z.string().max(200).optional().openapi({ description: 'nextCursor of the previous page' }),
      limit: z.coerce.number().int().min(1).max(500).default(200),
    }).strict(),
    response: z.object({ items: z.array(OrderResponse), nextCursor: z.string().nullable() }),
    handler: ({ user, query }) => listMyOrders(user, query),
  });
  routes.route({
    method: 'get', path: '/orders/:id', summary: 'One order (its buyer, its seller, bureau, auditor)', tags: ['orders'],
    access: 'signed-in', params: idParams, response: OrderResponse,
    handler: ({ req, user, params }) => {
      const ctx = req.app.locals.ctx as HubContext;
      return getOrder(ctx.redis, ctx.config.REDIS_PREFIX, user, params.id);
    },
  });
}
