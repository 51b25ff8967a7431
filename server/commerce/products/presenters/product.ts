import { z } from 'zod';
import { type Product, PRODUCT_CATEGORIES } from '../product.model.ts';

/** A product as every product route answers it (OpenAPI `Product`). */
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

export function presentProduct(p: Product & { _id: unknown; createdAt?: Date }, liveStock?: number | null) {
  return {
    id: String(p._id),
    enterpriseId: String(p.enterpriseId),
    name: p.name,
    category: p.category,
    priceFen: p.priceFen,
    /** The single writer's counter when it exists (Redis), else the persisted value. */
    stock: liveStock ?? p.stock,
    householdRegistryNo: p.householdRegistryNo ?? null,
    active: p.active,
    createdAt: p.createdAt?.toISOString?.() ?? null,
  };
}
