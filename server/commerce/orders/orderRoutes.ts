import { z } from 'zod';
import { assertMayChange } from '../../platform/auth/roles.ts';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, objectId } from '../../platform/http/schemas.ts';
import { validationError } from '../../platform/errors.ts';
import type { HubContext } from '../../platform/context.ts';
import { placeOrder } from './orderService.ts';
import { ORDER_STATUSES } from '../checkout/orderState.ts';
import { DeliveryInput, PaymentInput } from '../checkout/checkoutFields.ts';
import { PAYMENT_METHODS } from '../checkout/paymentProviders.ts';
import { DeliveryAddress } from '../buyers/address.ts';
import { checkoutFor, getOrderView } from '../checkout/checkoutPlacement.ts';
import { listOrders } from '../fulfilment/fulfilmentQueries.ts';

const int = z.number().int();
const OrderDelivery = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('courier'), address: DeliveryAddress }),
    z.object({ mode: z.literal('station'), stationOrgId: z.string(), stationName: z.string(), stationTownship: z.string().nullable() }),
  ])
  .openapi('OrderDelivery');
const method = z.enum(PAYMENT_METHODS);
const orderFields = {
  id: z.string(),
  productId: z.string(),
  enterpriseId: z.string(),
  buyerUserId: z.string(),
  quantity: int,
  unitPriceFen: int,
  amountFen: int,
  sessionId: z.string().nullable(),
  idempotencyKey: z.string(),
  status: z.enum(ORDER_STATUSES),
  createdAt: z.string().nullable(),
};
const buyerOnly = (what: string) =>
  z
    .string()
    .nullable()
    .optional()
    .openapi({ description: `${what} (its buyer only)` });

/** An order as GET /orders/:id shows it (checkout/orderRecord.ts orderView); every route that changes an order answers it. */
export const OrderResponse = z
  .object({
    ...orderFields,
    delivery: OrderDelivery.nullable().openapi({ description: 'null on orders placed without checkout' }),
    payment: z
      .object({
        method,
        status: z.enum(['unpaid', 'due', 'paid', 'collected', 'refunded', 'void']),
        reference: z.string().nullable(),
        paidAt: z.string().nullable(),
        paidFen: int,
        refundedFen: int,
      })
      .nullable(),
    shipment: z
      .object({ carrier: z.string().nullable(), waybillNo: z.string().nullable(), viaStation: z.boolean(), shippedAt: z.string() })
      .nullable(),
    history: z.array(
      z.object({
        status: z.enum(ORDER_STATUSES),
        at: z.string(),
        by: z.string().openapi({ description: 'A user id, or `system`' }),
        note: z.string().optional(),
        event: z.string().optional(),
      }),
    ),
    expiresAt: z.string().nullable().openapi({ description: 'When an unpaid order lapses' }),
    awaitingCheckout: z.literal(true).optional().openapi({ description: 'A chat "+1" reservation not checked out yet' }),
    pickupCode: buyerOnly('Station delivery: the code shown at pick-up'),
    trackingCode: buyerOnly('The secret of the public tracking link'),
  })
  .openapi('Order');

/** An order as placed (orderService.ts): the answer of POST /orders without checkout, and of a replayed key. */
const PlacedOrder = z
  .object({
    ...orderFields,
    delivery: OrderDelivery.optional(),
    payment: z.object({ method }).optional(),
    pickupCode: z.string().nullable().optional(),
    trackingCode: z.string().nullable().optional(),
    expiresAt: z.string().nullable().optional(),
  })
  .openapi('PlacedOrder');

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
    body: z
      .object({
        productId: objectId('productId'),
        quantity: z
          .number({ invalid_type_error: 'must be a whole number' })
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(1000, 'must be at most 1000'),
        sessionId: objectId('sessionId').optional(),
        delivery: DeliveryInput.optional(),
        payment: PaymentInput.optional(),
      })
      .strict()
      .openapi('PlaceOrder'),
    handler: async ({ req, res, user, body }) => {
      assertMayChange(user);
      const key = idempotencyHeader.safeParse(req.header('idempotency-key'));
      if (!key.success) throw validationError(new z.ZodError(key.error.issues.map((i) => ({ ...i, path: ['Idempotency-Key'] }))), 'header');
      const ctx = req.app.locals.ctx as HubContext;
      const { delivery, payment, ...command } = body;
      const checkout = await checkoutFor(ctx, user, delivery, payment);
      const { order, replayed } = await placeOrder(ctx.redis, ctx.config.REDIS_PREFIX, user, {
        ...command,
        idempotencyKey: key.data,
        ...checkout,
      });
      if (replayed) res.set('Idempotent-Replayed', 'true');
      // A checkout order answers in the same shape as GET /orders/:id (payment status, history, pick-up code).
      return checkout.checkout ? getOrderView(ctx, user, order.id) : order;
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
    handler: ({ req, user, params }) => {
      const ctx = req.app.locals.ctx as HubContext;
      return getOrderView(ctx, user, params.id);
    },
  });
}
