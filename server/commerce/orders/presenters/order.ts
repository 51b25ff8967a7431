import { z } from 'zod';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { ORDER_STATUSES } from '../../checkout/orderState.ts';
import { PAYMENT_METHODS } from '../../checkout/paymentProviders.ts';
import type { CheckoutFields } from '../../checkout/checkoutFields.ts';
import type { OrderRecord } from '../../checkout/orderRecord.ts';
import { DeliveryAddress } from '../../buyers/address.ts';
import type { Order } from '../order.model.ts';
import type { QueuedOrder } from '../orderPersister.ts';

/** Response shapes of orders: the schemas the routes declare (OpenAPI) and the functions that build them. */
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

/** An order as GET /orders/:id shows it (presentOrder); every route that changes an order answers it. */
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

/** An order as placed (presentPlacedOrder): the answer of POST /orders without checkout, and of a replayed key. */
export const PlacedOrder = z
  .object({
    ...orderFields,
    delivery: OrderDelivery.optional(),
    payment: z.object({ method }).optional(),
    pickupCode: z.string().nullable().optional(),
    trackingCode: z.string().nullable().optional(),
    expiresAt: z.string().nullable().optional(),
  })
  .openapi('PlacedOrder');

/** An order placed, as stored in the database. */
export function presentStoredOrder(o: Order & { _id: unknown; createdAt?: Date }) {
  return {
    id: String(o._id),
    productId: String(o.productId),
    enterpriseId: String(o.enterpriseId),
    buyerUserId: String(o.buyerUserId),
    quantity: o.quantity,
    unitPriceFen: o.unitPriceFen,
    amountFen: o.amountFen,
    sessionId: o.sessionId ? String(o.sessionId) : null,
    idempotencyKey: o.idempotencyKey,
    status: o.status,
    createdAt: o.createdAt?.toISOString?.() ?? null,
    ...checkoutFieldsOf(o),
  };
}

/** Checkout fields of a stored order (only on orders placed with delivery and payment). */
function checkoutFieldsOf(o: Order) {
  if (!o.delivery) return {};
  return {
    delivery: o.delivery as CheckoutFields['delivery'],
    payment: o.payment as CheckoutFields['payment'],
    pickupCode: o.pickupCode ?? null,
    trackingCode: o.trackingCode ?? null,
    expiresAt: o.expiresAt ? new Date(o.expiresAt).toISOString() : null,
  };
}

/** An order placed, still in Redis's write-behind queue (or just queued). */
export function presentPlacedOrder(o: QueuedOrder) {
  const { _id, ...rest } = o;
  return { id: _id, ...rest };
}

/** Payment status derived from the facts the providers stored. */
function paymentView(order: OrderRecord) {
  if (!order.payment) return null;
  const f = order.state.facts;
  const status = f.refundedAt
    ? 'refunded'
    : f.paidAt
      ? order.payment.method === 'cod'
        ? 'collected'
        : 'paid'
      : ['expired', 'cancelled'].includes(order.state.status)
        ? 'void'
        : order.payment.method === 'cod'
          ? 'due'
          : 'unpaid';
  return {
    method: order.payment.method,
    status,
    reference: (f.paymentRef as string | undefined) ?? null,
    paidAt: (f.paidAt as string | undefined) ?? null,
    paidFen: (f.paidFen as number | undefined) ?? 0,
    refundedFen: (f.refundedFen as number | undefined) ?? 0,
  };
}

/** The response shape of GET /orders/:id; the pick-up code only for the buyer. */
export function presentOrder(order: OrderRecord, actor: AuthUser | null) {
  const f = order.state.facts;
  return {
    id: order.id,
    productId: order.productId,
    enterpriseId: order.enterpriseId,
    buyerUserId: order.buyerUserId,
    quantity: order.quantity,
    unitPriceFen: order.unitPriceFen,
    amountFen: order.amountFen,
    sessionId: order.sessionId,
    idempotencyKey: order.idempotencyKey,
    createdAt: order.createdAt,
    status: order.state.status,
    delivery: order.delivery,
    payment: paymentView(order),
    shipment: f.shippedAt
      ? {
          carrier: (f.carrier as string | undefined) ?? null,
          waybillNo: (f.waybillNo as string | undefined) ?? null,
          viaStation: f.viaStation === true,
          shippedAt: f.shippedAt as string,
        }
      : null,
    history: order.state.history,
    expiresAt: order.state.status === 'placed' ? order.expiresAt : null,
    awaitingCheckout: order.delivery === null && order.state.status === 'placed' && order.plusOne ? true : undefined,
    pickupCode: actor && actor.id === order.buyerUserId ? order.pickupCode : undefined,
    trackingCode: actor && actor.id === order.buyerUserId ? order.trackingCode : undefined,
  };
}
export type OrderView = ReturnType<typeof presentOrder>;
