import type { Redis } from 'ioredis';
import { ProductModel, type Product, PRODUCT_CATEGORIES } from './product.model.ts';
import { householdExists } from '../../registry/households/householdReads.ts';
import { recordChange, withPendingAudit } from '../../platform/audit/outbox.ts';
import { badRequest, forbidden, notFound } from '../../platform/errors.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { initStockCounter, stockKey } from '../orders/stockLedger.ts';

export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

export function productDto(p: Product & { _id: unknown; createdAt?: Date }, liveStock?: number | null) {
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

export interface CreateProductCommand {
  name: string;
  category: ProductCategory;
  priceFen: number;
  stock: number;
  householdRegistryNo?: string;
}

export async function createProduct(redis: Redis, prefix: string, actor: AuthUser, command: CreateProductCommand) {
  if (!actor.orgId) throw forbidden('Only an enterprise user of an organisation may list products');
  if (command.householdRegistryNo && !(await householdExists(command.householdRegistryNo))) {
    throw badRequest(`Invalid field "householdRegistryNo": no registered household ${command.householdRegistryNo}`);
  }
  // The product and its product.create event are one write (the audit outbox).
  const product = new ProductModel({
    ...command,
    householdRegistryNo: command.householdRegistryNo ?? null,
    enterpriseId: actor.orgId,
    stockListed: command.stock,
  });
  const id = String(product._id);
  const draft = productDto(product.toObject());
  await recordChange(
    { redis, config: { REDIS_PREFIX: prefix } },
    { model: ProductModel, id, audit: { actor, action: 'product.create', target: { type: 'product', id }, after: draft } },
    async (entry) => {
      withPendingAudit(product, entry);
      await product.save();
    },
  );
  await initStockCounter(redis, prefix, id, product.stock);
  return productDto(product.toObject());
}

async function liveStocks(redis: Redis, prefix: string, ids: string[]): Promise<(number | null)[]> {
  if (!ids.length) return [];
  const values = await redis.mget(ids.map((id) => stockKey(prefix, id)));
  return values.map((v) => (v === null ? null : Number(v)));
}

export async function listProducts(redis: Redis, prefix: string, actor: AuthUser, filter: { enterpriseId?: string; ids?: string[] }) {
  const query: Record<string, unknown> = {};
  if (filter.ids) query._id = { $in: filter.ids };
  if (filter.enterpriseId) query.enterpriseId = filter.enterpriseId;
  // An enterprise manages its own catalogue; everyone else (hosts, associations picking what to feature) sees all.
  if (actor.role === 'enterprise' && !filter.ids) query.enterpriseId = actor.orgId;
  const products = await ProductModel.find(query).sort({ createdAt: -1 }).limit(500).lean();
  const stocks = await liveStocks(
    redis,
    prefix,
    products.map((p) => String(p._id)),
  );
  return { items: products.map((p, i) => productDto(p, stocks[i])) };
}

export async function getProduct(redis: Redis, prefix: string, id: string) {
  const product = await ProductModel.findById(id).lean();
  if (!product) throw notFound('Product');
  const [stock] = await liveStocks(redis, prefix, [id]);
  return productDto(product, stock);
}

/** Products by id, in the given order, for session shelves. Unknown ids are a 400 naming them. */
export async function requireProducts(ids: string[]) {
  if (!ids.length) return [];
  const found = await ProductModel.find({ _id: { $in: ids } }).lean();
  const missing = ids.filter((id) => !found.some((p) => String(p._id) === id));
  if (missing.length) throw badRequest(`Invalid field "productIds": unknown product ${missing[0]}`);
  return ids.map((id) => found.find((p) => String(p._id) === id)!);
}
