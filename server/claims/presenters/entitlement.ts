import { z } from 'zod';
import { PROGRAMS } from '../../../config/policies/types.ts';

/** GET /entitlements: cap, approved, paid and remaining for one organisation and programme (null cap = none stated). */
export const EntitlementResponse = z
  .object({
    program: z.enum(PROGRAMS),
    orgId: z.string(),
    capFen: z.number().int().nullable(),
    approvedFen: z.number().int(),
    paidFen: z.number().int(),
    remainingFen: z.number().int().nullable(),
  })
  .openapi('Entitlement');
