import { z } from 'zod';
import '../../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import type { Procurement } from '../procurement.model.ts';

/** The procurement as the API answers it (POST/GET /procurements). */
export function presentProcurement(p: Procurement & { _id: unknown }) {
  return {
    id: String(p._id),
    enterpriseId: String(p.enterpriseId),
    householdRegistryNo: p.householdRegistryNo,
    description: p.description,
    amountFen: p.amountFen,
    purchasedAt: p.purchasedAt.toISOString(),
    invoiceNo: p.invoiceNo,
    createdAt: p.createdAt?.toISOString?.() ?? null,
  };
}

/** The OpenAPI response schemas. */
const int = z.number().int();

export const ProcurementResponse = z
  .object({
    id: z.string(),
    enterpriseId: z.string(),
    householdRegistryNo: z.string(),
    description: z.string(),
    amountFen: int,
    purchasedAt: z.string(),
    invoiceNo: z.string(),
    createdAt: z.string().nullable(),
  })
  .openapi('Procurement');

export const RecordedProcurementResponse = ProcurementResponse.extend({
  warnings: z
    .array(z.object({ code: z.enum(['household_not_registered', 'household_registered_later']), params: z.record(z.string()) }))
    .openapi({ description: 'Said at once so the enterprise can ask the bureau to register the household' }),
}).openapi('RecordedProcurement');

export const ProcurementListResponse = z.object({ items: z.array(ProcurementResponse), total: int });
