import type { HubContext } from '../../platform/context.ts';
import { OrderModel } from '../orders/order.model.ts';
import { ProductModel } from '../products/product.model.ts';
import { withStates } from '../checkout/orderRecord.ts';
import { STOCK_RELEASED } from '../checkout/orderState.ts';

const statsKey = (prefix: string, sessionId: string) => `${prefix}:live:stats:${sessionId}`;
const visitorsKey = (prefix: string, sessionId: string) => `${prefix}:live:uv:${sessionId}`;
const KEEP_SECONDS = 90 * 24 * 3600;

/** Counts a chat message (and whether it was a "+1") for the session's analytics. */
export async function countChat(ctx: HubContext, sessionId: string, plusOne: boolean): Promise<void> {
  const key = statsKey(ctx.config.REDIS_PREFIX, sessionId);
  const m = ctx.redis.multi().hincrby(key, 'chat', 1);
  if (plusOne) m.hincrby(key, 'plusOnes', 1);
  await m.expire(key, KEEP_SECONDS).exec();
}

/** Counts a distinct viewer (signed-in user id, or the connection for anonymous viewers; HyperLogLog). */
export async function countViewer(ctx: HubContext, sessionId: string, viewer: string): Promise<void> {
  const key = visitorsKey(ctx.config.REDIS_PREFIX, sessionId);
  await ctx.redis.multi().pfadd(key, viewer).expire(key, KEEP_SECONDS).exec();
}

export type SessionFigures = Awaited<ReturnType<typeof sessionFigures>>;

/** The figures themselves, for a session already known to the caller (the analytics route, the bureau's reports). */
export async function sessionFigures(ctx: HubContext, session: { _id: unknown; title: string; peakViewers?: number | null }) {
  const sessionId = String(session._id);
  const prefix = ctx.config.REDIS_PREFIX;
  const [stats, viewers, peak] = await Promise.all([
    ctx.redis.hgetall(statsKey(prefix, sessionId)),
    ctx.redis.pfcount(visitorsKey(prefix, sessionId)),
    ctx.redis.get(`${prefix}:live:peak:${sessionId}`),
  ]);
  const docs = await OrderModel.find({ sessionId }).limit(50_000).lean();
  const records = await withStates(ctx, docs as Record<string, unknown>[]);
  const byProduct = new Map<string, { orders: number; quantity: number; paidGmvFen: number }>();
  const buyers = new Set<string>();
  let orders = 0;
  let paidGmvFen = 0;
  for (const r of records) {
    if (STOCK_RELEASED.includes(r.state.status)) continue;
    orders += 1;
    buyers.add(r.buyerUserId);
    const paid = !r.payment || typeof r.state.facts.paidAt === 'string' ? r.amountFen : 0;
    paidGmvFen += paid;
    const p = byProduct.get(r.productId) ?? { orders: 0, quantity: 0, paidGmvFen: 0 };
    p.orders += 1;
    p.quantity += r.quantity;
    p.paidGmvFen += paid;
    byProduct.set(r.productId, p);
  }
  const names = new Map(
    (await ProductModel.find({ _id: { $in: [...byProduct.keys()] } }, { name: 1 }).lean()).map((p) => [String(p._id), p.name]),
  );
  return {
    sessionId,
    title: session.title,
    viewers,
    peakViewers: Math.max(session.peakViewers ?? 0, Number(peak ?? 0)),
    chatMessages: Number(stats.chat ?? 0),
    plusOnes: Number(stats.plusOnes ?? 0),
    orders,
    buyers: buyers.size,
    paidGmvFen,
    // Basis points (buyers ÷ viewers × 10,000), an integer like every figure here.
    conversionBp: viewers > 0 ? Math.floor((buyers.size * 10_000) / viewers) : 0,
    products: [...byProduct.entries()].map(([productId, p]) => ({ productId, name: names.get(productId) ?? null, ...p })),
  };
}
