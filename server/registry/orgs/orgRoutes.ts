import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams } from '../../platform/http/schemas.ts';
import type { HubContext } from '../../platform/context.ts';
import { createOrg, CreateOrgBody } from './commands/createOrg.ts';
import { listOrgs, ListOrgsQuery } from './commands/listOrgs.ts';
import { getOrg } from './commands/getOrg.ts';
import { OrgListResponse, OrgResponse } from './presenters/org.ts';

/**
 * The organisation routes: each parses (the RouteTable validates with zod and checks the role), calls one command
 * and returns its presenter's shape; record-level checks live in policies/orgAccess.ts, called by the commands.
 */

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

export function registerOrgRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/orgs',
    summary: 'Register an organisation (association, enterprise or service station)',
    tags: ['registry'],
    access: ['bureau'],
    body: CreateOrgBody,
    status: 201,
    response: OrgResponse,
    handler: ({ req, user, body }) => createOrg(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/orgs',
    summary: 'List organisations (your own unless bureau or auditor)',
    tags: ['registry'],
    access: 'signed-in',
    query: ListOrgsQuery,
    response: OrgListResponse,
    handler: ({ user, query }) => listOrgs(user, query),
  });
  routes.route({
    method: 'get',
    path: '/orgs/:id',
    summary: 'One organisation',
    tags: ['registry'],
    access: 'signed-in',
    params: idParams,
    response: OrgResponse,
    handler: ({ user, params }) => getOrg(user, { orgId: params.id }),
  });
}
