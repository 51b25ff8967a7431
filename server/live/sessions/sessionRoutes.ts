import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, isoDateTime, objectId, text } from '../../platform/http/schemas.ts';
import type { HubContext } from '../../platform/context.ts';
import { SESSION_STATUSES } from './session.model.ts';
import {
  cancelSession,
  endSession,
  getSession,
  listSessions,
  pinProduct,
  scheduleSession,
  sessionSales,
  startSession,
  updateSession,
} from './sessionService.ts';

export const SessionResponse = z
  .object({
    id: z.string(),
    studioId: z.string(),
    baseId: z.string(),
    associationId: z.string(),
    hostUserId: z.string(),
    title: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    productIds: z.array(z.string()),
    status: z.enum(SESSION_STATUSES),
    pinnedProductId: z.string().nullable(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    peakViewers: z.number().int(),
    orderCount: z.number().int(),
    quantitySold: z.number().int(),
    gmvFen: z.number().int(),
    createdAt: z.string().nullable(),
  })
  .openapi('LiveSession');

const SalesResponse = z
  .object({ sessionId: z.string(), orders: z.number().int(), quantity: z.number().int(), amountFen: z.number().int() })
  .openapi('SessionSales');
const productIds = z.array(objectId('productIds')).max(50, 'at most 50 products per session');
const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

export function registerSessionRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/sessions',
    summary: 'Book a live session (409 when the studio or host is already booked then)',
    tags: ['sessions'],
    access: ['association'],
    status: 201,
    response: SessionResponse,
    body: z
      .object({
        studioId: objectId('studioId'),
        hostUserId: objectId('hostUserId'),
        title: text(120),
        startsAt: isoDateTime,
        endsAt: isoDateTime,
        productIds: productIds.optional(),
      })
      .strict()
      .openapi('ScheduleSession'),
    handler: ({ req, user, body }) => scheduleSession(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/sessions',
    summary: 'Sessions overlapping [from, to) (an association sees its own, a host its own)',
    tags: ['sessions'],
    access: 'signed-in',
    response: z.object({ items: z.array(SessionResponse) }),
    query: z
      .object({
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        studioId: objectId('studioId').optional(),
        hostUserId: objectId('hostUserId').optional(),
        status: z.enum(SESSION_STATUSES).optional(),
      })
      .strict(),
    handler: ({ user, query }) => listSessions(user, query),
  });
  routes.route({
    method: 'get',
    path: '/sessions/:id',
    summary: 'One session',
    tags: ['sessions'],
    access: 'signed-in',
    params: idParams,
    response: SessionResponse,
    handler: ({ user, params }) => getSession(user, params.id),
  });
  routes.route({
    method: 'patch',
    path: '/sessions/:id',
    summary: 'Move or edit a scheduled session; its host is notified',
    tags: ['sessions'],
    access: ['association'],
    params: idParams,
    response: SessionResponse,
    body: z
      .object({
        studioId: objectId('studioId').optional(),
        hostUserId: objectId('hostUserId').optional(),
        title: text(120).optional(),
        startsAt: isoDateTime.optional(),
        endsAt: isoDateTime.optional(),
        productIds: productIds.optional(),
      })
      .strict()
      .refine((b) => Object.keys(b).length > 0, { message: 'send at least one field to change' })
      .openapi('MoveSession'),
    handler: ({ req, user, params, body }) => updateSession(ctxOf(req), user, params.id, body),
  });
  routes.route({
    method: 'delete',
    path: '/sessions/:id',
    summary: 'Cancel a scheduled session; its host is notified',
    tags: ['sessions'],
    access: ['association'],
    params: idParams,
    response: SessionResponse,
    query: z.object({ reason: text(200).optional() }).strict(),
    handler: ({ req, user, params, query }) => cancelSession(ctxOf(req), user, params.id, query.reason),
  });
  routes.route({
    method: 'post',
    path: '/sessions/:id/start',
    summary: 'The host goes live (again after a reconnect: no-op)',
    tags: ['sessions'],
    access: ['host'],
    params: idParams,
    response: SessionResponse,
    handler: ({ req, user, params }) => startSession(ctxOf(req), user, params.id),
  });
  routes.route({
    method: 'post',
    path: '/sessions/:id/end',
    summary: 'The host ends the session; totals and viewer peak are kept',
    tags: ['sessions'],
    access: ['host'],
    params: idParams,
    response: SessionResponse,
    handler: ({ req, user, params }) => endSession(ctxOf(req), user, params.id),
  });
  routes.route({
    method: 'get',
    path: '/sessions/:id/sales',
    summary: 'Orders, quantity and amount attributed to the session',
    tags: ['sessions'],
    access: 'signed-in',
    params: idParams,
    response: SalesResponse,
    handler: ({ req, user, params }) => sessionSales(ctxOf(req), user, params.id),
  });
  routes.route({
    method: 'put',
    path: '/sessions/:id/pin',
    summary: 'The host pins a shelf product (productId null unpins)',
    tags: ['sessions'],
    access: ['host'],
    params: idParams,
    body: z
      .object({ productId: objectId('productId').nullable() })
      .strict()
      .openapi('PinProduct'),
    response: z.object({ sessionId: z.string(), pinnedProductId: z.string().nullable(), product: z.any() }),
    handler: ({ req, user, params, body }) => pinProduct(ctxOf(req), user, params.id, body.productId),
  });
}
