import { z } from 'zod';
import '../../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import type { Household, HouseholdDocument } from '../household.model.ts';

/** A household as stored (a document or its lean form). */
export type StoredHousehold = HouseholdDocument | (Household & { _id: unknown });

/** The household as the bureau and the auditor see it (personal data: never on a public route). */
export function presentHousehold(h: StoredHousehold) {
  return {
    id: String(h._id),
    registryNo: h.registryNo,
    name: h.name,
    township: h.township,
    village: h.village,
    registeredFrom: h.registeredFrom.toISOString().slice(0, 10),
    registeredUntil: h.registeredUntil ? h.registeredUntil.toISOString().slice(0, 10) : null,
  };
}

/** The OpenAPI response schemas. */
export const HouseholdResponse = z
  .object({
    id: z.string(),
    registryNo: z.string(),
    name: z.string(),
    township: z.string(),
    village: z.string(),
    registeredFrom: z.string(),
    registeredUntil: z.string().nullable(),
  })
  .openapi('Household');

export const HouseholdListResponse = z.object({
  items: z.array(HouseholdResponse),
  total: z.number().int(),
  nextCursor: z.string().nullable(),
});
