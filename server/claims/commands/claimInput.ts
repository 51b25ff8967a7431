import mongoose from 'mongoose';
import { z } from 'zod';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { badRequest, forbidden, notFound } from '../../platform/errors.ts';
import { fen, objectId, text } from '../../platform/http/schemas.ts';
import { ITEM_CATEGORIES, PROGRAMS, type PolicyDocument } from '../../../config/policies/types.ts';
import { TOWNSHIPS } from '../../../config/places.ts';
import { orgRecord } from '../../registry/orgs/orgReads.ts';
import { parkRecord } from '../../registry/parks/parkReads.ts';
import { BaseModel } from '../bases/base.model.ts';
import { ProcurementModel } from '../procurements/procurement.model.ts';
import type { ClaimDocument } from '../claim.model.ts';
import { programRule } from '../policy/rules.ts';
import { claimedTotal } from '../policy/capAndTotal.ts';
import { assertCanFile, orgMayClaim } from '../policies/claimAccess.ts';

/** The body of a claim (create and edit), discriminated on `program`, and its resolution into stored fields. */

const category = z.enum(ITEM_CATEGORIES, {
  errorMap: () => ({ message: `must be one of the policy's item categories: ${ITEM_CATEGORIES.join(' ')}` }),
});
export const program = z.enum(PROGRAMS, { errorMap: () => ({ message: `must be one of the programmes: ${PROGRAMS.join(' ')}` }) });
export const invoicePart = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z]{1,32}$/, 'must be 1 to 32 letters or digits');
const SpendingItem = z
  .object({ category, description: text(500), amountFen: fen, invoiceCode: invoicePart, invoiceNo: invoicePart })
  .strict();
const EditedItem = SpendingItem.extend({ id: objectId('id').optional() }).strict();
const township = z.enum(TOWNSHIPS, { errorMap: () => ({ message: `must be one of the county's 18 townships: ${TOWNSHIPS.join(' ')}` }) });

function claimBody<I extends typeof SpendingItem | typeof EditedItem>(item: I, name: string) {
  const items = z.array(item).min(1, 'must list at least one item').max(200, 'must list at most 200 items');
  return z
    .discriminatedUnion(
      'program',
      [
        z.object({ program: z.literal('livestream_base'), baseId: objectId('baseId'), items }).strict(),
        z
          .object({
            program: z.literal('poverty_procurement'),
            procurementIds: z.array(objectId('procurementIds')).min(1, 'must list at least one procurement').max(500),
          })
          .strict(),
        z.object({ program: z.literal('brand_building'), items }).strict(),
        z.object({ program: z.literal('warehouse_rent'), parkId: objectId('parkId'), items }).strict(),
        z
          .object({ program: z.literal('service_station'), level: z.enum(['township', 'village']), township, village: text(64).optional() })
          .strict(),
      ],
      {
        errorMap: (issue, ctx) => ({
          message: issue.code === 'invalid_union_discriminator' ? `must be one of the programmes: ${PROGRAMS.join(' ')}` : ctx.defaultError,
        }),
      },
    )
    .openapi(name);
}
export const CreateClaimBody = claimBody(SpendingItem, 'CreateClaim');
export const UpdateClaimBody = claimBody(EditedItem, 'UpdateClaim');

/** A claim as filed or edited (items sent with their `id` on an edit keep their evidence). */
export type ClaimInput = z.infer<typeof UpdateClaimBody>;
type SpendingItemInput = z.infer<typeof EditedItem>;

/** Checks the claimant and the records the claim names; returns the fields to store. */
export async function resolveClaimFields(actor: AuthUser, input: ClaimInput, policy: PolicyDocument, existing?: ClaimDocument) {
  assertCanFile(actor);
  const org = await orgRecord(actor.orgId);
  if (!org) throw forbidden('Your organisation is not registered');
  const rule = programRule(policy, input.program);
  if (!orgMayClaim(rule, org.type)) {
    throw forbidden(`Programme ${input.program} is for ${rule.claimantOrgTypes.join('/')} organisations; yours is a ${org.type}`);
  }
  const previousItems = new Map((existing?.items ?? []).map((i) => [String(i._id), i]));
  const spending = (items: SpendingItemInput[]) =>
    items.map((item, index) => {
      const kept = item.id ? previousItems.get(item.id) : undefined;
      if (item.id && !kept) throw badRequest(`Invalid field "items.${index}.id": no item ${item.id} in this claim`);
      return {
        ...(kept ? { _id: kept._id } : {}),
        category: item.category,
        description: item.description,
        amountFen: item.amountFen,
        invoiceCode: item.invoiceCode,
        invoiceNo: item.invoiceNo,
        evidence: kept ? kept.evidence.map((e) => ({ ...e })) : [],
        eligible: null,
        reason: null,
        duplicateOf: null,
      };
    });
  const fields: Record<string, unknown> & { items?: { amountFen: number }[] } = {
    baseId: null,
    parkId: null,
    procurementIds: [],
    level: null,
    township: null,
    village: null,
  };
  switch (input.program) {
    case 'livestream_base': {
      const base = await BaseModel.findById(input.baseId).lean();
      if (!base) throw notFound(`Base ${input.baseId}`);
      if (String(base.associationId) !== actor.orgId) throw forbidden('This base belongs to another association');
      Object.assign(fields, { baseId: base._id, items: spending(input.items) });
      break;
    }
    case 'brand_building':
      Object.assign(fields, { items: spending(input.items) });
      break;
    case 'warehouse_rent': {
      const park = await parkRecord(input.parkId);
      if (!park) throw notFound(`Park ${input.parkId}`);
      Object.assign(fields, { parkId: park._id, items: spending(input.items) });
      break;
    }
    case 'poverty_procurement': {
      const ids = input.procurementIds;
      if (new Set(ids).size !== ids.length) throw badRequest('Invalid field "procurementIds": lists the same procurement twice');
      const records = await ProcurementModel.find({ _id: { $in: ids } }).lean();
      if (records.length !== ids.length) {
        const found = new Set(records.map((r) => String(r._id)));
        throw notFound(`Procurement ${ids.find((id) => !found.has(id))}`);
      }
      if (records.some((r) => String(r.enterpriseId) !== actor.orgId))
        throw forbidden('A procurement in the claim belongs to another enterprise');
      const byId = new Map(records.map((r) => [String(r._id), r]));
      const keptByProcurement = new Map((existing?.items ?? []).filter((i) => i.procurementId).map((i) => [String(i.procurementId), i]));
      Object.assign(fields, {
        procurementIds: ids.map((id) => new mongoose.Types.ObjectId(id)),
        items: ids.map((id) => {
          const r = byId.get(id)!;
          const kept = keptByProcurement.get(id);
          return {
            ...(kept ? { _id: kept._id } : {}),
            category: 'other',
            description: `${r.description}（户号 ${r.householdRegistryNo}，${r.purchasedAt.toISOString().slice(0, 10)}）`,
            amountFen: r.amountFen,
            invoiceCode: 'procurement',
            invoiceNo: r.invoiceNo,
            procurementId: r._id,
            evidence: kept ? kept.evidence.map((e) => ({ ...e })) : [],
            eligible: null,
            reason: null,
            duplicateOf: null,
          };
        }),
      });
      break;
    }
    case 'service_station': {
      if (input.level === 'village' && !input.village) throw badRequest('Invalid field "village": required for a village point');
      if (input.level === 'township' && input.village) throw badRequest('Invalid field "village": a township station names no village');
      Object.assign(fields, { level: input.level, township: input.township, village: input.village ?? null, items: [] });
      break;
    }
  }
  fields.claimedFen = claimedTotal(rule, fields.items ?? [], input.program === 'service_station' ? input.level : null);
  return { org, fields };
}
