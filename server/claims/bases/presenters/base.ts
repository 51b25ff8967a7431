import { z } from 'zod';
import '../../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import type { Base, BaseDocument } from '../base.model.ts';

/** A base as stored (a document or its lean form). */
export type StoredBase = BaseDocument | (Base & { _id: unknown });

/** The base as the API answers it (POST/GET /bases, POST /bases/:id/filing). */
export function presentBase(b: StoredBase) {
  return {
    id: String(b._id),
    name: b.name,
    associationId: String(b.associationId),
    filed: b.filed,
    filingNo: b.filingNo ?? null,
    filedAt: b.filedAt ? b.filedAt.toISOString() : null,
    createdAt: b.createdAt?.toISOString?.() ?? null,
  };
}

/** The OpenAPI response schemas. */
export const BaseResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    associationId: z.string(),
    filed: z.boolean(),
    filingNo: z.string().nullable(),
    filedAt: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi('Base');

export const BaseListResponse = z.object({ items: z.array(BaseResponse), nextCursor: z.string().nullable() });
