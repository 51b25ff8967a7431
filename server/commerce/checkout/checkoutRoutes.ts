import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import { idParams } from '../../platform/http/schemas.ts';
import { cancelOrder, completeOrder, confirmPayment, refundOrder, requestRefund, RefundRequestBody } from './checkoutService.ts';
import { OrderResponse } from '../orders/orderRoutes.ts';
import { DeliveryInput, PaymentInput } from './checkoutFields.ts';
import { checkoutReservation, plusOneQueue } from '../live/plusOne.ts';
import { LiveSessionModel } from '../../live/sessions/session.model.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { READ_ALL_ROLES } from '../../platform/auth/roles.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;
const Reference = z.object({ reference: z.string().optional() }).passthrough();

export function registerCheckoutRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post', path: '/orders/:id/checkout', summary: 'The buyer completes a chat "+1" reservation with delivery and payment', tags: ['orders'],
    access: ['buyer'], params: idParams, body: z.object({ delivery: DeliveryInput, payment: PaymentInput }).strict(), response: OrderResponse,
    handler: ({ req, user, params, body }) => checkoutReservation(ctxOf(req), user, params.id, body.delivery, body.payment),
  });
  routes.route({
    method: 'get', path: '/sessions/:id/plus-ones', summary: 'The host\'s queue of "+1" reservations (status, checked out or not)', tags: ['live'],
    access: 'signed-in', params: idParams,
    handler: async ({ req, user, params }) => {
      const session = await LiveSessionModel.findById(params.id, { hostUserId: 1, associationId: 1 }).lean();
      if (!session) throw notFound('Session');
      if (String(session.hostUserId) !== user.id && !READ_ALL_ROLES.includes(user.role)) throw forbidden('Only the host sees the "+1" queue');
      return plusOneQueue(ctxOf(req), params.id);
    },
  });
  routes.route({
    method: 'post', path: '/orders/:id/payment', summary: 'The seller confirms a bank transfer with its reference: placed → paid', tags: ['orders'],
    access: ['enterprise'], params: idParams, body: Reference, response: OrderResponse,
    handler: ({ req, user, params, body }) => confirmPayment(ctxOf(req), user, params.id, body),
  });
  routes.route({
    method: 'post', path: '/orders/:id/cancel', summary: 'Cancel (buyer before payment, seller before shipping); the stock comes back', tags: ['orders'],
    access: 'signed-in', params: idParams, response: OrderResponse,
    handler: ({ req, user, params }) => cancelOrder(ctxOf(req), user, params.id),
  });
  routes.route({
    method: 'post', path: '/orders/:id/refund-request', summary: 'The buyer asks for a refund', tags: ['orders'],
    access: ['buyer'], params: idParams, body: RefundRequestBody, response: OrderResponse,
    handler: ({ req, user, params, body }) => requestRefund(ctxOf(req), user, params.id, body.reason),
  });
  routes.route({
    method: 'post', path: '/orders/:id/refund', summary: 'The seller refunds once the goods are back; the stock comes back', tags: ['orders'],
    access: ['enterprise'], params: idParams, body: Reference, response: OrderResponse,
    handler: ({ req, user, params, body }) => refundOrder(ctxOf(req), user, params.id, body),
  });
  routes.route({
    method: 'post', path: '/orders/:id/complete', summary: 'The buyer confirms receipt: delivered → completed', tags: ['orders'],
    access: ['buyer'], params: idParams, response: OrderResponse,
    handler: ({ req, user, params }) => completeOrder(ctxOf(req), user, params.id),
  });
}
