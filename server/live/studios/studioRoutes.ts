import { keysetPaging } from '../../platform/http/keyset.ts';
import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { objectId, text } from '../../platform/http/schemas.ts';
import { createStudio, listStudios } from './studioService.ts';

export const StudioResponse = z
  .object({ id: z.string(), baseId: z.string(), associationId: z.string(), name: z.string(), createdAt: z.string().nullable() })
  .openapi('Studio');

export function registerStudioRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/studios',
    summary: "Add a studio (直播间) to the association's base",
    tags: ['studios'],
    access: ['association'],
    status: 201,
    response: StudioResponse,
    body: z
      .object({ baseId: objectId('baseId'), name: text(100) })
      .strict()
      .openapi('CreateStudio'),
    handler: ({ user, body }) => createStudio(user, body),
  });
  routes.route({
    method: 'get',
    path: '/studios',
    summary: 'Studios (an association sees its own)',
    tags: ['studios'],
    access: ['bureau', 'auditor', 'association', 'host', 'enterprise'],
    query: z.object({ baseId: objectId('baseId').optional(), ...keysetPaging }).strict(),
    response: z.object({ items: z.array(StudioResponse), nextCursor: z.string().nullable() }),
    handler: ({ user, query }) => listStudios(user, query),
  });
}
