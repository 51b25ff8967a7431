import { z } from 'zod';
import { assertMayChange } from '../../platform/auth/roles.ts';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, objectId } from '../../platform/http/schemas.ts';
import { validationError } from '../../platform/errors.ts';
import type { HubContext } from '../../platform/context.ts';
import { ORDER_STATUSES } from '../checkout/orderState.ts';
import { checkoutOrder } from './commands/checkoutOrder.ts';
import { getOrder } from './commands/getOrder.ts';
import { listOrders } from './commands/listOrders.ts';
import { PlaceOrderBody } from './commands/placeOrder.ts';
import { OrderResponse, PlacedOrder } from './presenters/order.ts';

const idempotencyHeader = z
  .string({ required_error: 'is required: send a unique key per order (e.g. a UUID) and repeat it on retries' })
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export function registerOrderRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/orders',
    summary: 'Buy a product; send an Idempotency-Key header so a retry sells once',
    tags: ['orders'],
    access: 'signed-in',
    status: 201,
    // With checkout (delivery and payment) the new order answers as GET /orders/:id does.
    response: z.union([OrderResponse, PlacedOrder]),
    body: PlaceOrderBody,
    handler: async ({ req, res, user, body }) => {
      // The read-only auditor is refused before its header is judged.
      assertMayChange(user);
      const key = idempotencyHeader.safeParse(req.header('idempotency-key'));
      if (!key.success) throw validationError(new z.ZodError(key.error.issues.map((i) => ({ ...i, path: ['Idempotency-Key'] }))), 'header');
      const { order, replayed } = await checkoutOrder(req.app.locals.ctx as HubContext, user, { ...body, idempotencyKey: key.data });
      if (replayed) res.set('Idempotent-Replayed', 'true');
      return order;
    },
  });
  routes.route({
    method: 'get',
    path: '/orders',
    summary: 'Orders: a buyer sees its own, an enterprise its sales, bureau and auditor all',
    tags: ['orders'],
    access: 'signed-in',
    query: z
      .object({
        sessionId: objectId('sessionId').optional(),
        mine: z.enum(['1', 'true']).optional().openapi({ description: 'Only the orders the caller bought' }),
        station: z.enum(['1', 'true']).optional().openapi({ description: 'A station user: the parcels routed to its station' }),
        status: z.enum(ORDER_STATUSES).optional(),
        cursor: z.string().max(200).optional().openapi({ description: 'nextCursor of the previous page' }),
        limit: z.coerce.number().int().min(1).max(500).default(200),
      })
      .strict(),
    response: z.object({ items: z.array(OrderResponse), nextCursor: z.string().nullable() }),
    handler: ({ req, user, query }) =>
      listOrders(req.app.locals.ctx as HubContext, user, {
        sessionId: query.sessionId,
        mine: !!query.mine,
        station: !!query.station,
        status: query.status,
        cursor: query.cursor,
        limit: query.limit,
      }),
  });
  routes.route({
    method: 'get',
    path: '/orders/:id',
    summary: 'One order (its buyer, its seller, bureau, auditor)',
    tags: ['orders'],
    access: 'signed-in',
    params: idParams,
    response: OrderResponse,
    handler: ({ req, user, params }) => getOrder(req.app.locals.ctx as HubContext, user, { orderId: params.id }),
  });
}
