import { z } from 'zod';
import '../../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import type { Studio } from '../studio.model.ts';

/** The studio as the API answers it (POST/GET /studios). */
export function presentStudio(s: Studio & { _id: unknown; createdAt?: Date }) {
  return {
    id: String(s._id),
    baseId: String(s.baseId),
    associationId: String(s.associationId),
    name: s.name,
    createdAt: s.createdAt?.toISOString?.() ?? null,
  };
}

/** The OpenAPI response schemas. */
export const StudioResponse = z
  .object({ id: z.string(), baseId: z.string(), associationId: z.string(), name: z.string(), createdAt: z.string().nullable() })
  .openapi('Studio');

export const StudioListResponse = z.object({ items: z.array(StudioResponse), nextCursor: z.string().nullable() });
