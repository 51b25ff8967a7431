import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import { createPark, CreateParkBody } from './commands/createPark.ts';
import { listParks } from './commands/listParks.ts';
import { ParkListResponse, ParkResponse } from './presenters/park.ts';

/** The e-commerce park routes: each parses, calls one command and returns its presenter's shape. */

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

export function registerParkRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/parks',
    summary: 'Register an e-commerce park (for warehouse rent claims)',
    tags: ['registry'],
    access: ['bureau'],
    body: CreateParkBody,
    status: 201,
    response: ParkResponse,
    handler: ({ req, user, body }) => createPark(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/parks',
    summary: 'E-commerce parks',
    tags: ['registry'],
    access: 'signed-in',
    response: ParkListResponse,
    handler: () => listParks(),
  });
}
