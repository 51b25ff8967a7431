import { z } from 'zod';
import { isoDate, isoDateTime, text } from '../../../platform/http/schemas.ts';
import { badRequest, isDuplicateKeyError } from '../../../platform/errors.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { PUBLIC_BRANDS, TOWNSHIPS } from '../../../../config/places.ts';
import { householdExists } from '../../../registry/households/householdReads.ts';
import { assertCanRecordBatch } from '../../products/policies/productAccess.ts';
import { BATCH_STEP_STAGES, BatchModel } from '../batch.model.ts';
import { newTraceCode } from '../traceCode.ts';
import { presentBatch, traceUrlFor } from '../presenters/batch.ts';
import { type BatchTarget, loadProduct } from './batchRecord.ts';

const CERAMIC_MARKS = PUBLIC_BRANDS.filter((b) => b.startsWith('德化'));

export const CreateBatchBody = z
  .object({
    ceramic: z
      .object({
        claySource: text(100),
        kiln: text(100),
        firingDate: isoDate,
        workshop: text(100),
        inspector: text(64),
        giMark: z
          .enum(CERAMIC_MARKS as [string, ...string[]], { errorMap: () => ({ message: `must be one of ${CERAMIC_MARKS.join(' ')}` }) })
          .optional(),
      })
      .strict()
      .optional(),
    farm: z
      .object({
        householdRegistryNo: z.string().trim().min(1).max(64).optional(),
        cooperative: text(100).optional(),
        township: z.enum(TOWNSHIPS, { errorMap: () => ({ message: "must be one of the county's 18 townships" }) }),
        village: text(64).optional(),
        harvestDate: isoDate,
        inspection: text(200),
        brand: z.literal('三黑三黄三红').optional(),
      })
      .strict()
      .refine((f) => f.householdRegistryNo || f.cooperative, {
        message: 'name the household (householdRegistryNo) or the cooperative',
        path: ['householdRegistryNo'],
      })
      .optional(),
    steps: z
      .array(
        z
          .object({
            stage: z.enum(BATCH_STEP_STAGES),
            at: isoDateTime,
            place: text(100).optional(),
            note: text(300).optional(),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    quantity: z.number().int().positive().max(1e9).optional(),
    saleFrom: isoDateTime.optional(),
    saleTo: isoDateTime.optional(),
  })
  .strict()
  .refine((b) => Boolean(b.ceramic) !== Boolean(b.farm), { message: 'give exactly one of ceramic or farm origin data', path: ['ceramic'] })
  .refine((b) => !b.saleFrom || !b.saleTo || b.saleTo >= b.saleFrom, { message: 'must not be before saleFrom', path: ['saleTo'] })
  .openapi('CreateBatch');

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
      const dto = presentBatch(batch.toObject(), traceUrlFor(origin, batch.code));
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
