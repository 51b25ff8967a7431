import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams } from '../../platform/http/schemas.ts';
import type { HubContext } from '../../platform/context.ts';
import { scheduleSession, ScheduleSessionBody } from './commands/scheduleSession.ts';
import { listSessions, ListSessionsQuery } from './commands/listSessions.ts';
import { getSession } from './commands/getSession.ts';
import { updateSession, UpdateSessionBody } from './commands/updateSession.ts';
import { cancelSession, CancelSessionQuery } from './commands/cancelSession.ts';
import { startSession } from './commands/startSession.ts';
import { endSession } from './commands/endSession.ts';
import { getSessionSales } from './commands/getSessionSales.ts';
import { pinProduct, PinProductBody } from './commands/pinProduct.ts';
import { PinResponse, SessionListResponse, SessionResponse, SessionSalesResponse } from './presenters/session.ts';

/**
 * The session routes: each parses (the RouteTable validates with zod and checks the role), calls one command and
 * returns its presenter's shape; record-level checks live in policies/sessionAccess.ts, called by the commands.
 * The /live socket events call the same commands (server/live/signalling.ts).
 */

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
    body: ScheduleSessionBody,
    handler: ({ req, user, body }) => scheduleSession(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/sessions',
    summary: 'Sessions overlapping [from, to) (an association sees its own, a host its own)',
    tags: ['sessions'],
    access: 'signed-in',
    response: SessionListResponse,
    query: ListSessionsQuery,
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
    handler: ({ user, params }) => getSession(user, { sessionId: params.id }),
  });
  routes.route({
    method: 'patch',
    path: '/sessions/:id',
    summary: 'Move or edit a scheduled session; its host is notified',
    tags: ['sessions'],
    access: ['association'],
    params: idParams,
    response: SessionResponse,
    body: UpdateSessionBody,
    handler: ({ req, user, params, body }) => updateSession(ctxOf(req), user, { sessionId: params.id, changes: body }),
  });
  routes.route({
    method: 'delete',
    path: '/sessions/:id',
    summary: 'Cancel a scheduled session; its host is notified',
    tags: ['sessions'],
    access: ['association'],
    params: idParams,
    response: SessionResponse,
    query: CancelSessionQuery,
    handler: ({ req, user, params, query }) => cancelSession(ctxOf(req), user, { sessionId: params.id, reason: query.reason }),
  });
  routes.route({
    method: 'post',
    path: '/sessions/:id/start',
    summary: 'The host goes live (again after a reconnect: no-op)',
    tags: ['sessions'],
    access: ['host'],
    params: idParams,
    response: SessionResponse,
    handler: ({ req, user, params }) => startSession(ctxOf(req), user, { sessionId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/sessions/:id/end',
    summary: 'The host ends the session; totals and viewer peak are kept',
    tags: ['sessions'],
    access: ['host'],
    params: idParams,
    response: SessionResponse,
    handler: ({ req, user, params }) => endSession(ctxOf(req), user, { sessionId: params.id }),
  });
  routes.route({
    method: 'get',
    path: '/sessions/:id/sales',
    summary: 'Orders, quantity and amount attributed to the session',
    tags: ['sessions'],
    access: 'signed-in',
    params: idParams,
    response: SessionSalesResponse,
    handler: ({ req, user, params }) => getSessionSales(ctxOf(req), user, { sessionId: params.id }),
  });
  routes.route({
    method: 'put',
    path: '/sessions/:id/pin',
    summary: 'The host pins a shelf product (productId null unpins)',
    tags: ['sessions'],
    access: ['host'],
    params: idParams,
    body: PinProductBody,
    response: PinResponse,
    handler: ({ req, user, params, body }) => pinProduct(ctxOf(req), user, { sessionId: params.id, productId: body.productId }),
  });
}
