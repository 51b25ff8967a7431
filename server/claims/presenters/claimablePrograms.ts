import { z } from 'zod';
import '../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import { PROGRAMS } from '../../../config/policies/types.ts';

/** GET /claim-programs: what the claim form offers. */
export const ClaimableProgramsResponse = z
  .object({
    policyVersion: z.string().openapi({ description: 'The policy in force now, whose programme rules decided' }),
    orgId: z.string().nullable(),
    orgType: z.enum(['association', 'enterprise', 'station']).nullable(),
    programs: z.array(z.enum(PROGRAMS)).openapi({ description: "The programmes the user's organisation may file, in the policy's order" }),
  })
  .openapi('ClaimablePrograms');

export type ClaimablePrograms = z.infer<typeof ClaimableProgramsResponse>;
