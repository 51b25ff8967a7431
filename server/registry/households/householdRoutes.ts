import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams } from '../../platform/http/schemas.ts';
import type { HubContext } from '../../platform/context.ts';
import { registerHousehold, RegisterHouseholdBody } from './commands/registerHousehold.ts';
import { listHouseholds, ListHouseholdsQuery } from './commands/listHouseholds.ts';
import { getHousehold } from './commands/getHousehold.ts';
import { HouseholdListResponse, HouseholdResponse } from './presenters/household.ts';

/** The household registry's routes: each parses, calls one command and returns its presenter's shape. */

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

export function registerHouseholdRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/households',
    summary: 'Register a poverty household (建档立卡贫困户)',
    tags: ['registry'],
    access: ['bureau'],
    body: RegisterHouseholdBody,
    status: 201,
    response: HouseholdResponse,
    handler: ({ req, user, body }) => registerHousehold(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/households',
    summary: 'The household registry (personal data: bureau and auditor only)',
    tags: ['registry'],
    access: ['bureau', 'auditor'],
    query: ListHouseholdsQuery,
    response: HouseholdListResponse,
    handler: ({ query }) => listHouseholds(query),
  });
  routes.route({
    method: 'get',
    path: '/households/:id',
    summary: 'One household',
    tags: ['registry'],
    access: ['bureau', 'auditor'],
    params: idParams,
    response: HouseholdResponse,
    handler: ({ params }) => getHousehold({ householdId: params.id }),
  });
}
