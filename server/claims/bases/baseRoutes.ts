import { keysetPaging } from '../../platform/http/keyset.ts';
import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, isoDateTime, text } from '../../platform/http/schemas.ts';
import { fileBase, getBase, listBases, registerBase } from './baseService.ts';

export const BaseResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    associationId: z.string(),
    filed: z.boolean(),
    filingNo: z.string().nullable(),
    filedAt: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi('Base');

export function registerBaseRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/bases',
    summary: "Register the association's livestream base (直播基地)",
    tags: ['bases'],
    access: ['association'],
    body: z
      .object({ name: text(200) })
      .strict()
      .openapi('CreateBase'),
    status: 201,
    response: BaseResponse,
    handler: ({ user, body }) => registerBase(user, body.name),
  });
  routes.route({
    method: 'post',
    path: '/bases/:id/filing',
    summary: 'Record the base filing (备案) with the bureau',
    tags: ['bases'],
    access: ['bureau'],
    params: idParams,
    body: z
      .object({ filingNo: text(64), filedAt: isoDateTime })
      .strict()
      .openapi('FileBase'),
    response: BaseResponse,
    handler: ({ user, params, body }) => fileBase(user, params.id, body),
  });
  routes.route({
    method: 'get',
    path: '/bases',
    summary: 'Livestream bases (an association sees its own)',
    tags: ['bases'],
    access: ['bureau', 'auditor', 'association', 'host'],
    query: z.object(keysetPaging).strict(),
    response: z.object({ items: z.array(BaseResponse), nextCursor: z.string().nullable() }),
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
    handler: ({ user, params }) => getBase(user, params.id),
  });
}
