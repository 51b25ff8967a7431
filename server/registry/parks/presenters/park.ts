import { z } from 'zod';
import '../../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import type { Park, ParkDocument } from '../park.model.ts';

/** A park as stored (a document or its lean form). */
export type StoredPark = ParkDocument | (Park & { _id: unknown });

export function presentPark(p: StoredPark) {
  return { id: String(p._id), name: p.name, nationalDemoBase: p.nationalDemoBase };
}

/** The OpenAPI response schemas. */
export const ParkResponse = z.object({ id: z.string(), name: z.string(), nationalDemoBase: z.boolean() }).openapi('Park');

export const ParkListResponse = z.object({ items: z.array(ParkResponse) });
