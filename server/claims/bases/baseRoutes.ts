import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams } from '../../platform/http/schemas.ts';
import type { HubContext } from '../../platform/context.ts';
import { registerBase, RegisterBaseBody } from './commands/registerBase.ts';
import { fileBase, FileBaseBody } from './commands/fileBase.ts';
import { listBases, ListBasesQuery } from './commands/listBases.ts';
import { getBase } from './commands/getBase.ts';
import { BaseListResponse, BaseResponse } from './presenters/base.ts';

/**
 * The base routes: each parses (the RouteTable validates with zod and checks the role), calls one command
 * and returns its presenter's shape; record-level checks live in policies/baseAccess.ts, called by the commands.
 */

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

export function registerBaseRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/bases',
    summary: "Register the association's livestream base (直播基地)",
    tags: ['bases'],
    access: ['association'],
    body: RegisterBaseBody,
    status: 201,
    response: BaseResponse,
    handler: ({ req, user, body }) => registerBase(ctxOf(req), user, body),
  });
  routes.route({
    method: 'post',
    path: '/bases/:id/filing',
    summary: 'Record the base filing (备案) with the bureau',
    tags: ['bases'],
    access: ['bureau'],
    params: idParams,
    body: FileBaseBody,
    response: BaseResponse,
    handler: ({ req, user, params, body }) => fileBase(ctxOf(req), user, { baseId: params.id, filing: body }),
  });
  routes.route({
    method: 'get',
    path: '/bases',
    summary: 'Livestream bases (an association sees its own)',
    tags: ['bases'],
    access: ['bureau', 'auditor', 'association', 'host'],
    query: ListBasesQuery,
    response: BaseListResponse,
    handler: ({ user, query }) => listBases(user, query),
  });
  routes.route({
    method: 'get',
    path: '/bases/:id',
    summary: 'One base',
    tags: ['bases'],
    access: ['bureau', 'auditor', 'association', 'host'],
    params: idParams,
    response: BaseResponse,
    handler: ({ user, params }) => getBase(user, { baseId: params.id }),
  });
}
