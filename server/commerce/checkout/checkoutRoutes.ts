import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import { idParams } from '../../platform/http/schemas.ts';
import { cancelOrder } from '../orders/commands/cancelOrder.ts';
import { completeOrder } from '../orders/commands/completeOrder.ts';
import { confirmPayment, PaymentReferenceBody } from '../orders/commands/confirmPayment.ts';
import { refundOrder } from '../orders/commands/refundOrder.ts';
import { rejectRefund, RefundRejectBody } from '../orders/commands/rejectRefund.ts';
import { requestRefund, RefundRequestBody } from '../orders/commands/requestRefund.ts';
import { OrderResponse } from '../orders/presenters/order.ts';
import { DeliveryInput, PaymentInput } from './checkoutFields.ts';
import { buyFlashSale } from '../live/commands/buyFlashSale.ts';
import { checkoutReservation } from '../live/commands/checkoutReservation.ts';
import { getFlashSale } from '../live/commands/getFlashSale.ts';
import { getSessionAnalytics } from '../live/commands/getSessionAnalytics.ts';
import { plusOneQueue } from '../live/commands/plusOneQueue.ts';
import { startFlashSale, StartFlashSaleBody } from '../live/commands/startFlashSale.ts';
import { stopFlashSale } from '../live/commands/stopFlashSale.ts';
import { subscribeReminder } from '../live/commands/subscribeReminder.ts';
import { FlashSaleResponse } from '../live/presenters/flashSale.ts';
import { PlusOnesResponse } from '../live/presenters/plusOne.ts';
import { ReminderResponse } from '../live/presenters/reminder.ts';
import { SessionFiguresResponse } from '../live/presenters/sessionFigures.ts';
import { validationError } from '../../platform/errors.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

const idempotencyHeader = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export function registerCheckoutRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/sessions/:id/reminder',
    summary: '预约: be notified in-app when this scheduled session goes live',
    tags: ['live'],
    access: 'signed-in',
    params: idParams,
    response: ReminderResponse,
    handler: ({ req, user, params }) => subscribeReminder(ctxOf(req), user, { sessionId: params.id, subscribed: true }),
  });
  routes.route({
    method: 'delete',
    path: '/sessions/:id/reminder',
    summary: 'Cancel the reminder',
    tags: ['live'],
    access: 'signed-in',
    params: idParams,
    response: ReminderResponse,
    handler: ({ req, user, params }) => subscribeReminder(ctxOf(req), user, { sessionId: params.id, subscribed: false }),
  });
  routes.route({
    method: 'get',
    path: '/sessions/:id/analytics',
    summary: 'Viewers, peak, chat, "+1"s, orders, paid GMV, conversion and per product (host, its association, bureau, auditor)',
    tags: ['live'],
    access: 'signed-in',
    params: idParams,
    response: SessionFiguresResponse,
    handler: ({ req, user, params }) => getSessionAnalytics(ctxOf(req), user, { sessionId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/sessions/:id/flash-sale',
    summary: 'The host starts a flash sale of the pinned product (price, quantity, per-buyer limit, duration)',
    tags: ['live'],
    access: ['host'],
    params: idParams,
    body: StartFlashSaleBody,
    status: 201,
    response: FlashSaleResponse,
    handler: ({ req, user, params, body }) => startFlashSale(ctxOf(req), user, { ...body, sessionId: params.id }),
  });
  routes.route({
    method: 'delete',
    path: '/sessions/:id/flash-sale',
    summary: 'The host ends the flash sale early; unsold units return to stock',
    tags: ['live'],
    access: ['host'],
    params: idParams,
    response: FlashSaleResponse,
    handler: ({ req, user, params }) => stopFlashSale(ctxOf(req), user, { sessionId: params.id }),
  });
  routes.route({
    method: 'get',
    path: '/sessions/:id/flash-sale',
    summary: "The session's flash sale (price, remaining, limit, end time for the countdown)",
    tags: ['live'],
    access: 'public',
    params: idParams,
    response: FlashSaleResponse,
    handler: ({ req, params }) => getFlashSale(ctxOf(req), { sessionId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/sessions/:id/flash-sale/orders',
    summary: 'Buy in the flash sale (Idempotency-Key; never past the per-buyer limit or the quantity)',
    tags: ['live'],
    access: 'signed-in',
    params: idParams,
    status: 201,
    response: OrderResponse,
    body: z
      .object({
        quantity: z
          .number({ invalid_type_error: 'must be a whole number' })
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(100, 'must be at most 100'),
        delivery: DeliveryInput.optional(),
        payment: PaymentInput.optional(),
      })
      .strict(),
    handler: async ({ req, res, user, params, body }) => {
      const key = idempotencyHeader.safeParse(req.header('idempotency-key'));
      if (!key.success) throw validationError(new z.ZodError(key.error.issues.map((i) => ({ ...i, path: ['Idempotency-Key'] }))), 'header');
      const { order, replayed } = await buyFlashSale(ctxOf(req), user, { ...body, sessionId: params.id, idempotencyKey: key.data });
      if (replayed) res.set('Idempotent-Replayed', 'true');
      return order;
    },
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/checkout',
    summary: 'The buyer completes a chat "+1" reservation with delivery and payment',
    tags: ['orders'],
    access: ['buyer'],
    params: idParams,
    body: z.object({ delivery: DeliveryInput, payment: PaymentInput }).strict(),
    response: OrderResponse,
    handler: ({ req, user, params, body }) => checkoutReservation(ctxOf(req), user, { ...body, orderId: params.id }),
  });
  routes.route({
    method: 'get',
    path: '/sessions/:id/plus-ones',
    summary: 'The host\'s queue of "+1" reservations (status, checked out or not)',
    tags: ['live'],
    access: 'signed-in',
    params: idParams,
    response: PlusOnesResponse,
    handler: ({ req, user, params }) => plusOneQueue(ctxOf(req), user, { sessionId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/payment',
    summary: 'The seller confirms a bank transfer with its reference: placed → paid',
    tags: ['orders'],
    access: ['enterprise'],
    params: idParams,
    body: PaymentReferenceBody,
    response: OrderResponse,
    handler: ({ req, user, params, body }) => confirmPayment(ctxOf(req), user, { ...body, orderId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/cancel',
    summary: 'Cancel (buyer before payment, seller before shipping); the stock comes back',
    tags: ['orders'],
    access: 'signed-in',
    params: idParams,
    response: OrderResponse,
    handler: ({ req, user, params }) => cancelOrder(ctxOf(req), user, { orderId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/refund-request',
    summary: 'The buyer asks for a refund',
    tags: ['orders'],
    access: ['buyer'],
    params: idParams,
    body: RefundRequestBody,
    response: OrderResponse,
    handler: ({ req, user, params, body }) => requestRefund(ctxOf(req), user, { ...body, orderId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/refund',
    summary: 'The seller refunds once the goods are back; the stock comes back',
    tags: ['orders'],
    access: ['enterprise'],
    params: idParams,
    body: PaymentReferenceBody,
    response: OrderResponse,
    handler: ({ req, user, params, body }) => refundOrder(ctxOf(req), user, { ...body, orderId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/refund-reject',
    summary: 'The seller declines a refund request {reason}: the order returns to the status it had before it',
    tags: ['orders'],
    access: ['enterprise'],
    params: idParams,
    body: RefundRejectBody,
    response: OrderResponse,
    handler: ({ req, user, params, body }) => rejectRefund(ctxOf(req), user, { ...body, orderId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/orders/:id/complete',
    summary: 'The buyer confirms receipt: delivered → completed',
    tags: ['orders'],
    access: ['buyer'],
    params: idParams,
    response: OrderResponse,
    handler: ({ req, user, params }) => completeOrder(ctxOf(req), user, { orderId: params.id }),
  });
}
