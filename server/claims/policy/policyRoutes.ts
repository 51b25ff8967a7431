import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { getPolicy, listPolicies } from './policyService.ts';

export function registerPolicyRoutes(routes: RouteTable): void {
  routes.route({
    method: 'get', path: '/policies', summary: 'Published policy versions with their programmes, rates, caps and negative list',
    tags: ['policy'], access: 'signed-in', handler: () => listPolicies(),
  });
  routes.route({
    method: 'get', path: '/policies/:version', summary: 'One policy version', tags: ['policy'], access: 'signed-in',
    params: z.object({ version: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a policy version such as dehua-2020') }).strict(),
    handler: ({ params }) => getPolicy(params.version),
  });
}
