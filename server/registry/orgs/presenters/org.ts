import { z } from 'zod';
import '../../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import { ORG_TYPES, type Org, type OrgDocument } from '../org.model.ts';

/** An organisation as stored (a document or its lean form). */
export type StoredOrg = OrgDocument | (Org & { _id: unknown });

/** The organisation as the API answers it (POST/GET /orgs). */
export function presentOrg(org: StoredOrg) {
  return {
    id: String(org._id),
    type: org.type,
    name: org.name,
    creditCode: org.creditCode ?? null,
    township: org.township ?? null,
    createdAt: org.createdAt?.toISOString?.() ?? null,
  };
}

/** The OpenAPI response schemas. */
export const OrgResponse = z
  .object({
    id: z.string(),
    type: z.enum(ORG_TYPES),
    name: z.string(),
    creditCode: z.string().nullable(),
    township: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi('Org');

export const OrgListResponse = z.object({ items: z.array(OrgResponse), nextCursor: z.string().nullable() });
