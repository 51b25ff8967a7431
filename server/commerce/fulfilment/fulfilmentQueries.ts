import type { HubContext } from '../../platform/context.ts';
import { OrderModel } from '../orders/order.model.ts';
import { orgPlace, stationList } from '../../registry/orgs/orgReads.ts';
import { withStates } from '../checkout/orderRecord.ts';

/** Parcels that arrived at a station, per Beijing-time month: how many people the station served. */
export async function stationThroughput(ctx: HubContext, stationOrgId: string) {
  const org = await orgPlace(stationOrgId);
  if (!org || org.type !== 'station') return null;
  const docs = await OrderModel.find({ 'delivery.stationOrgId': stationOrgId }).sort({ createdAt: -1 }).limit(20_000).lean();
  const records = await withStates(ctx, docs as Record<string, unknown>[]);
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
