import { STOCK_RELEASING_STATUSES } from '../orders/stockLedger.ts';
import QRCode from 'qrcode';
import mongoose from 'mongoose';
import { stepDto } from './batchSteps.ts';
import { BatchModel, type Batch, type BATCH_STEP_STAGES } from './batch.model.ts';
import { newTraceCode, normaliseTraceCode } from './traceCode.ts';
import { ProductModel } from '../products/product.model.ts';
import { OrderModel } from '../orders/order.model.ts';
import { sessionHeadlines } from '../../live/sessions/sessionReads.ts';
import { orgNameAndTownship, stationsAmong } from '../../registry/orgs/orgReads.ts';
import { householdExists, householdOrigin, maskPersonName } from '../../registry/households/householdReads.ts';
import { groupedSums } from '../../platform/aggregate.ts';
import { saveAudited } from '../../platform/audit/outbox.ts';
import { badRequest, isDuplicateKeyError, notFound } from '../../platform/errors.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import type { HubContext } from '../../platform/context.ts';
import { assertCanListBatches, assertCanRecordBatch } from '../products/policies/productAccess.ts';

export interface CreateBatchCommand {
  ceramic?: { claySource: string; kiln: string; firingDate: Date; workshop: string; inspector: string; giMark?: string };
  farm?: {
    householdRegistryNo?: string;
    cooperative?: string;
    township: string;
    village?: string;
    harvestDate: Date;
    inspection: string;
    brand?: string;
  };
  steps?: { stage: (typeof BATCH_STEP_STAGES)[number]; at: Date; place?: string; note?: string }[];
  quantity?: number;
  saleFrom?: Date;
  saleTo?: Date;
}

const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);

export function batchDto(b: Batch & { _id: unknown }, traceUrl: string) {
  return {
    id: String(b._id),
    code: b.code,
    traceUrl,
    productId: String(b.productId),
    kind: b.kind,
    ceramic: b.ceramic ? { ...b.ceramic, firingDate: day(b.ceramic.firingDate) } : null,
    farm: b.farm ? { ...b.farm, harvestDate: day(b.farm.harvestDate) } : null,
    steps: b.steps.map((s) => stepDto(s, b.code)),
    quantity: b.quantity ?? null,
    saleFrom: b.saleFrom.toISOString(),
    saleTo: b.saleTo ? b.saleTo.toISOString() : null,
    createdAt: b.createdAt.toISOString(),
  };
}

export function traceUrlFor(origin: string, code: string): string {
  return `${origin.replace(/\/$/, '')}/trace/${code}`;
}

async function loadProduct(productId: string) {
  const product = await ProductModel.findById(productId).lean();
  if (!product) throw notFound('Product');
  return product;
}

/** The product a batch belongs to, and the public origin its trace links are built on. */
export type BatchTarget = { productId: string; origin: string };

/** Records a batch: ceramics carry kiln and clay data, farm products their household or cooperative. */
export async function createBatch(_ctx: HubContext, actor: AuthUser, { productId, origin, ...command }: CreateBatchCommand & BatchTarget) {
  const product = await loadProduct(productId);
  assertCanRecordBatch(actor, product);
  const kind = command.ceramic ? 'ceramic' : 'farm';
  if (product.category === 'ceramic' && kind !== 'ceramic')
    throw badRequest(
      'Invalid field "ceramic": a ceramic product\'s batch needs its clay source, kiln, firing date, workshop and inspector',
    );
  if ((product.category === 'farm' || product.category === 'forest') && kind !== 'farm') {
    throw badRequest(
      'Invalid field "farm": a farm or forest product\'s batch needs its household or cooperative, township, harvest date and inspection',
    );
  }
  if (command.farm?.householdRegistryNo) {
    const household = await householdExists(command.farm.householdRegistryNo);
    if (!household)
      throw badRequest(`Invalid field "farm.householdRegistryNo": ${command.farm.householdRegistryNo} is not in the household registry`);
  }
  const saleFrom = command.saleFrom ?? new Date();
  for (let attempt = 0; ; attempt += 1) {
    try {
      const batch = new BatchModel({
        code: newTraceCode(),
        productId: product._id,
        enterpriseId: product.enterpriseId,
        kind,
        ceramic: command.ceramic ?? null,
        farm: command.farm ?? null,
        steps: [...(command.steps ?? [])].sort((a, b) => a.at.getTime() - b.at.getTime()),
        quantity: command.quantity ?? null,
        saleFrom,
        saleTo: command.saleTo ?? null,
        createdBy: actor.id,
        createdAt: new Date(),
      });
      const dto = batchDto(batch.toObject(), traceUrlFor(origin, batch.code));
      // The code is a bearer secret for the label; the audit trail records the batch, not the code.
      await saveAudited(batch, {
        actor,
        action: 'batch.create',
        target: { type: 'batch', id: dto.id },
        after: { productId: dto.productId, kind, saleFrom: dto.saleFrom, saleTo: dto.saleTo },
      });
      return dto;
    } catch (err) {
      // A collision of 120 random bits is practically impossible; retry rather than fail if it ever happens.
      if (!isDuplicateKeyError(err) || attempt >= 3) throw err;
    }
  }
}

export async function listBatches(_ctx: HubContext, actor: AuthUser, { productId, origin }: BatchTarget) {
  assertCanListBatches(actor, await loadProduct(productId));
  const batches = await BatchModel.find({ productId }).sort({ createdAt: -1 }).lean();
  return { items: batches.map((b) => batchDto(b, traceUrlFor(origin, b.code))) };
}

async function batchByCode(input: string) {
  const code = normaliseTraceCode(input);
  const batch = code ? await BatchModel.findOne({ code }).lean() : null;
  if (!batch) throw notFound('Trace code');
  return batch;
}

export async function batchQr(input: string, origin: string, format: 'png' | 'svg'): Promise<Buffer | string> {
  const batch = await batchByCode(input);
  const url = traceUrlFor(origin, batch.code);
  return format === 'png'
    ? QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 480 })
    : QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * The public chain of a batch: product, origin (household names masked), recorded steps, and the
 * live sessions where it sold — sessions with placed orders of the batch's product inside the
 * batch's sale window [saleFrom, saleTo or now]. Orders name products, not batches, so this is
 * the closest honest attribution.
 */
export async function publicTrace(input: string) {
  const batch = await batchByCode(input);
  const [product, enterprise] = await Promise.all([
    ProductModel.findById(batch.productId, { name: 1, category: 1, brand: 1, township: 1 }).lean(),
    orgNameAndTownship(batch.enterpriseId),
  ]);
  let origin: Record<string, unknown>;
  if (batch.ceramic) {
    origin = { kind: 'ceramic', ...batch.ceramic, firingDate: day(batch.ceramic.firingDate) };
  } else {
    const farm = batch.farm!;
    const household = farm.householdRegistryNo ? await householdOrigin(farm.householdRegistryNo) : null;
    origin = {
      kind: 'farm',
      // Household personal data is masked; the registry number is never published.
      household: household ? { name: maskPersonName(household.name), township: household.township, village: household.village } : null,
      cooperative: farm.cooperative ?? null,
      township: farm.township,
      village: farm.village ?? null,
      harvestDate: day(farm.harvestDate),
      inspection: farm.inspection,
      brand: farm.brand ?? null,
    };
  }
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
  return {
    code: batch.code,
    product: product
      ? {
          name: product.name,
          category: product.category,
          brand: product.brand ?? null,
          township: product.township ?? enterprise?.township ?? null,
        }
      : null,
    enterprise: enterprise ? { name: enterprise.name } : null,
    origin,
    steps: batch.steps.map((s) => stepDto(s, batch.code)),
    quantity: batch.quantity ?? null,
    saleWindow: { from: batch.saleFrom.toISOString(), to: batch.saleTo ? batch.saleTo.toISOString() : null },
    sessions: sessions
      .map((s) => ({
        id: String(s._id),
        title: s.title,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        status: s.status,
        quantity: soldBySession.get(String(s._id))?.quantity ?? 0,
      }))
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
    stations,
  };
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
