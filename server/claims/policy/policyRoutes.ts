import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import { getPolicy, listPolicies } from './policyService.ts';
import { publishPolicy, PublishPolicyBody } from '../commands/publishPolicy.ts';
import { PolicyVersionResponse, PolicyDocumentResponse } from '../presenters/policy.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

export function registerPolicyRoutes(routes: RouteTable): void {
  routes.route({
    method: 'get',
    path: '/policies',
    summary: 'Published policy versions with their programmes, rates, caps, negative list and what changed from the version before',
    tags: ['policy'],
    access: 'signed-in',
    response: z.object({ items: z.array(PolicyVersionResponse) }),
    handler: ({ req }) => listPolicies(ctxOf(req)),
  });
  routes.route({
    method: 'post',
    path: '/policies',
    summary: 'Publish a new policy version from the latest one (bureau): rates, caps, categories, negative list, effective date',
    tags: ['policy'],
    access: ['bureau'],
    body: PublishPolicyBody,
    status: 201,
    response: PolicyVersionResponse,
    handler: ({ req, user, body }) => publishPolicy(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/policies/:version',
    summary: 'One policy version',
    tags: ['policy'],
    access: 'signed-in',
    params: z.object({ version: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a policy version such as dehua-2020') }).strict(),
    response: PolicyDocumentResponse,
    handler: ({ params }) => getPolicy(params.version),
  });
}
