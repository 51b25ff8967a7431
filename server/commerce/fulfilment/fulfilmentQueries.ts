import { decodeOrderCursor, encodeOrderCursor } from '../orders/orderService.ts';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { READ_ALL_ROLES } from '../../platform/auth/roles.ts';
import { forbidden } from '../../platform/errors.ts';
import { OrderModel } from '../orders/order.model.ts';
import { orgPlace, stationList } from '../../registry/orgs/orgReads.ts';
import { orderView, withStates } from '../checkout/orderRecord.ts';
import type { OrderStatus } from '../checkout/orderState.ts';

/** Orders the caller may list: a buyer its own, an enterprise its sales, a station the parcels routed to it, bureau/auditor all. */
export async function listOrders(
  ctx: HubContext,
  actor: AuthUser,
  filter: { sessionId?: string; mine?: boolean; status?: OrderStatus; station?: boolean; cursor?: string; limit?: number },
) {
  const query: Record<string, unknown> = {};
  if (filter.mine || actor.role === 'buyer') query.buyerUserId = actor.id;
  else if (filter.station) {
    if (actor.role !== 'enterprise' || !actor.orgId) throw forbidden('Only station users list the parcels routed to their station');
    query['delivery.stationOrgId'] = actor.orgId;
  } else if (actor.role === 'enterprise') query.enterpriseId = actor.orgId;
  else if (!READ_ALL_ROLES.includes(actor.role)) query.buyerUserId = actor.id;
  if (filter.sessionId) query.sessionId = filter.sessionId;
  // Keyset paging, newest first, on (createdAt, _id): each filter above has an index ending in those keys.
  if (filter.cursor) {
    const after = decodeOrderCursor(filter.cursor);
    query.createdAt = { $lte: after.createdAt };
    query.$or = [{ createdAt: { $lt: after.createdAt } }, { _id: { $lt: after.id } }];
  }
  const limit = filter.limit ?? 200;
  const docs = await OrderModel.find(query)
    .sort({ createdAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean();
  const page = docs.slice(0, limit);
  const records = await withStates(ctx.redis, ctx.config.REDIS_PREFIX, page as Record<string, unknown>[]);
  // The status filter applies to the current state (Redis may be ahead of the stored copy by a few ms).
  return {
    items: records.filter((r) => !filter.status || r.state.status === filter.status).map((r) => orderView(r, actor)),
    nextCursor: docs.length > limit ? encodeOrderCursor(page.at(-1)! as { createdAt: Date; _id: unknown }) : null,
  };
}

/** Parcels that arrived at a station, per Beijing-time month: how many people the station served. */
export async function stationThroughput(ctx: HubContext, stationOrgId: string) {
  const org = await orgPlace(stationOrgId);
  if (!org || org.type !== 'station') return null;
  const docs = await OrderModel.find({ 'delivery.stationOrgId': stationOrgId }).sort({ createdAt: -1 }).limit(20_000).lean();
  const records = await withStates(ctx.redis, ctx.config.REDIS_PREFIX, docs as Record<string, unknown>[]);
  const months = new Map<string, { parcels: number; pickedUp: number }>();
  for (const r of records) {
    const arrivedAt = r.state.facts.arrivedAt as string | undefined;
    if (!arrivedAt) continue;
    const month = new Date(Date.parse(arrivedAt) + 8 * 3600_000).toISOString().slice(0, 7);
    const m = months.get(month) ?? { parcels: 0, pickedUp: 0 };
    m.parcels += 1;
    if (r.state.facts.pickedUp) m.pickedUp += 1;
    months.set(month, m);
  }
  return {
    stationOrgId,
    name: org.name,
    township: org.township ?? null,
    months: [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, m]) => ({ month, ...m })),
    totalParcels: [...months.values()].reduce((s, m) => s + m.parcels, 0),
  };
}

/** Stations buyers can pick up at (public: name and township only). */
export async function listStations() {
  const orgs = await stationList();
  return { items: orgs.map((o) => ({ id: String(o._id), name: o.name, township: o.township ?? null })) };
}
