import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, objectId, text } from '../../platform/http/schemas.ts';
import type { HubContext } from '../../platform/context.ts';
import { PRODUCT_CATEGORIES } from './product.model.ts';
import { createProduct, getProduct, listProducts } from './productService.ts';

export const ProductResponse = z
  .object({
    id: z.string(),
    enterpriseId: z.string(),
    name: z.string(),
    category: z.enum(PRODUCT_CATEGORIES),
    priceFen: z.number().int(),
    stock: z.number().int(),
    householdRegistryNo: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.string().nullable(),
  })
  .openapi('Product');

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
    body: z
      .object({
        name: text(120),
        category: z.enum(PRODUCT_CATEGORIES),
        priceFen: z
          .number({ invalid_type_error: 'must be an integer number of fen' })
          .int('must be a whole number of fen')
          .positive('must be positive')
          .max(1e9, 'must not exceed 10^9 fen'),
        stock: z
          .number({ invalid_type_error: 'must be a whole number' })
          .int('must be a whole number')
          .min(0, 'must not be negative')
          .max(10_000_000, 'must not exceed 10,000,000'),
        householdRegistryNo: text(64).optional(),
      })
      .strict()
      .openapi('CreateProduct'),
    handler: ({ req, user, body }) => {
      const ctx = ctxOf(req);
      return createProduct(ctx.redis, ctx.config.REDIS_PREFIX, user, body);
    },
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
    handler: ({ req, user, query }) => {
      const ctx = ctxOf(req);
      return listProducts(ctx.redis, ctx.config.REDIS_PREFIX, user, query);
    },
  });
  routes.route({
    method: 'get',
    path: '/products/:id',
    summary: 'One product with its live stock',
    tags: ['products'],
    access: 'signed-in',
    params: idParams,
    response: ProductResponse,
    handler: ({ req, params }) => {
      const ctx = ctxOf(req);
      return getProduct(ctx.redis, ctx.config.REDIS_PREFIX, params.id);
    },
  });
}
