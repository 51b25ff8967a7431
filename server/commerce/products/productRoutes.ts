import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, objectId } from '../../platform/http/schemas.ts';
import type { HubContext } from '../../platform/context.ts';
import { CreateProductBody, createProduct } from './commands/createProduct.ts';
import { getProduct } from './commands/getProduct.ts';
import { listProducts } from './commands/listProducts.ts';
import { ProductResponse } from './presenters/product.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

export function registerProductRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/products',
    summary: 'List a product for sale (stock in whole units, price in fen)',
    tags: ['products'],
    access: ['enterprise'],
    status: 201,
    response: ProductResponse,
    body: CreateProductBody,
    handler: ({ req, user, body }) => createProduct(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/products',
    summary: 'Products (an enterprise sees its own unless ids are given)',
    tags: ['products'],
    access: 'signed-in',
    response: z.object({ items: z.array(ProductResponse) }),
    query: z
      .object({
        enterpriseId: objectId('enterpriseId').optional(),
        ids: z
          .string()
          .transform((v) => v.split(',').filter(Boolean))
          .pipe(z.array(objectId('ids')).max(200, 'at most 200 ids'))
          .optional(),
      })
      .strict(),
    handler: ({ req, user, query }) => listProducts(ctxOf(req), user, query),
  });
  routes.route({
    method: 'get',
    path: '/products/:id',
    summary: 'One product with its live stock',
    tags: ['products'],
    access: 'signed-in',
    params: idParams,
    response: ProductResponse,
    handler: ({ req, user, params }) => getProduct(ctxOf(req), user, { productId: params.id }),
  });
}
