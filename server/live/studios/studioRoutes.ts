import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import { createStudio, CreateStudioBody } from './commands/createStudio.ts';
import { listStudios, ListStudiosQuery } from './commands/listStudios.ts';
import { StudioListResponse, StudioResponse } from './presenters/studio.ts';

/**
 * The studio routes: each parses (the RouteTable validates with zod and checks the role), calls one command
 * and returns its presenter's shape; record-level checks live in policies/studioAccess.ts, called by the commands.
 */

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

export function registerStudioRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/studios',
    summary: "Add a studio (直播间) to the association's base",
    tags: ['studios'],
    access: ['association'],
    status: 201,
    response: StudioResponse,
    body: CreateStudioBody,
    handler: ({ req, user, body }) => createStudio(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/studios',
    summary: 'Studios (an association sees its own)',
    tags: ['studios'],
    access: ['bureau', 'auditor', 'association', 'host', 'enterprise'],
    query: ListStudiosQuery,
    response: StudioListResponse,
    handler: ({ user, query }) => listStudios(user, query),
  });
}
