import mongoose from 'mongoose';
import { groupedSums } from '../../../platform/aggregate.ts';
import { sessionHeadlines } from '../../../live/sessions/sessionReads.ts';
import { orgNameAndTownship, stationsAmong } from '../../../registry/orgs/orgReads.ts';
import { householdOrigin } from '../../../registry/households/householdReads.ts';
import { ProductModel } from '../../products/product.model.ts';
import { OrderModel } from '../../orders/order.model.ts';
import { STOCK_RELEASING_STATUSES } from '../../orders/stockLedger.ts';
import { presentTrace } from '../presenters/batch.ts';
import { batchByCode } from './batchRecord.ts';

export type GetPublicTraceCommand = { code: string };

/**
 * The public chain of a batch: product, origin (household names masked), recorded steps, and the
 * live sessions where it sold — sessions with placed orders of the batch's product inside the
 * batch's sale window [saleFrom, saleTo or now]. Orders name products, not batches, so this is
 * the closest honest attribution.
 */
export async function getPublicTrace(command: GetPublicTraceCommand) {
  const batch = await batchByCode(command.code);
  const [product, enterprise] = await Promise.all([
    ProductModel.findById(batch.productId, { name: 1, category: 1, brand: 1, township: 1 }).lean(),
    orgNameAndTownship(batch.enterpriseId),
  ]);
  const registryNo = batch.ceramic ? null : batch.farm!.householdRegistryNo;
  const household = registryNo ? await householdOrigin(registryNo) : null;
  const saleTo = batch.saleTo ?? new Date();
  const sold = (
    await groupedSums(
      OrderModel,
      {
        productId: batch.productId,
        status: { $nin: [...STOCK_RELEASING_STATUSES] },
        sessionId: { $ne: null },
        createdAt: { $gte: batch.saleFrom, $lte: saleTo },
      },
      '$sessionId',
      { quantity: '$quantity' },
    )
  ).map((g) => ({ _id: g.id as mongoose.Types.ObjectId, ...g.sums }));
  const sessions = await sessionHeadlines(sold.map((s) => s._id));
  const soldBySession = new Map(sold.map((s) => [String(s._id), s]));
  const stations = await stationsPassed(batch.productId, batch.saleFrom, saleTo);
  return presentTrace(batch, { product, enterprise, household, sessions, soldBySession, stations });
}

/** Statuses of a station-delivered order whose goods have reached the station (arrived there or beyond). */
const THROUGH_STATION_STATUSES = ['arrived', 'delivered', 'completed'] as const;

/**
 * The township stations the batch's goods went through: station-delivered orders of the product
 * in the sale window that reached their station, counted as parcels per station, most first.
 */
async function stationsPassed(
  productId: unknown,
  from: Date,
  to: Date,
): Promise<{ name: string; township: string | null; parcels: number }[]> {
  const rows = await groupedSums(
    OrderModel,
    {
      productId,
      status: { $in: [...THROUGH_STATION_STATUSES] },
      createdAt: { $gte: from, $lte: to },
      'delivery.stationOrgId': { $ne: null },
    },
    '$delivery.stationOrgId',
    { parcels: 1 },
  );
  const ids = rows.map((r) => String(r.id)).filter((id) => mongoose.isValidObjectId(id));
  if (!ids.length) return [];
  const orgs = await stationsAmong(ids);
  const byId = new Map(orgs.map((o) => [String(o._id), o]));
  return rows
    .filter((r) => byId.has(String(r.id)))
    .map((r) => {
      const org = byId.get(String(r.id))!;
      return { name: org.name, township: org.township ?? null, parcels: r.sums.parcels };
    })
    .sort((a, b) => b.parcels - a.parcels || a.name.localeCompare(b.name, 'zh-CN'));
}
