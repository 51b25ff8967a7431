import { keysetPaging } from '../../platform/http/keyset.ts';
import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, text } from '../../platform/http/schemas.ts';
import { TOWNSHIPS } from '../../../config/places.ts';
import { ORG_TYPES } from './org.model.ts';
import { createOrg, getOrg, listOrgs } from './orgService.ts';
import { isValidCreditCode } from './creditCode.ts';

const OrgBody = z
  .object({
    type: z.enum(ORG_TYPES),
    name: text(200),
    creditCode: z
      .string()
      .trim()
      .toUpperCase()
      .refine(isValidCreditCode, 'must be a valid 18-character unified social credit code (GB 32100-2015 check character)')
      .optional(),
    township: z
      .enum(TOWNSHIPS, { errorMap: () => ({ message: `must be one of the county's 18 townships: ${TOWNSHIPS.join(' ')}` }) })
      .optional(),
  })
  .strict()
  .openapi('CreateOrg');

export const OrgResponse = z
  .object({
    id: z.string(),
    type: z.enum(ORG_TYPES),
    name: z.string(),
    creditCode: z.string().nullable(),
    township: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi('Org');

export function registerOrgRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/orgs',
    summary: 'Register an organisation (association, enterprise or service station)',
    tags: ['registry'],
    access: ['bureau'],
    body: OrgBody,
    status: 201,
    response: OrgResponse,
    handler: ({ user, body }) => createOrg(user, body),
  });
  routes.route({
    method: 'get',
    path: '/orgs',
    summary: 'List organisations (your own unless bureau or auditor)',
    tags: ['registry'],
    access: 'signed-in',
    query: z.object({ type: z.enum(ORG_TYPES).optional(), ...keysetPaging }).strict(),
    response: z.object({ items: z.array(OrgResponse), nextCursor: z.string().nullable() }),
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
    handler: ({ user, params }) => getOrg(user, params.id),
  });
}
