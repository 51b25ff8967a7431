import { z } from 'zod';
import '../../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import { maskPersonName } from '../../../registry/households/householdReads.ts';
import { BATCH_STEP_STAGES, type Batch } from '../batch.model.ts';

/** The shapes of a batch: as its enterprise records it (Batch), as anyone scanning its code sees it (PublicTrace). */

export interface StepRecord {
  id?: string | null;
  stage: string;
  at: Date;
  place?: string | null;
  responsible?: string | null;
  note?: string | null;
  photos?: { fileId: string; filename: string; contentType: string; size: number }[] | null;
}

/** A step as every reader sees it; photo URLs go through the public trace code route. */
export function presentStep(record: unknown, code: string) {
  const s = record as StepRecord;
  return {
    id: s.id ?? null,
    stage: s.stage,
    at: s.at.toISOString(),
    place: s.place ?? null,
    responsible: s.responsible ?? null,
    note: s.note ?? null,
    photos: (s.photos ?? []).map((p) => ({
      fileId: p.fileId,
      filename: p.filename,
      url: `/api/v1/public/trace/${code}/photos/${p.fileId}`,
    })),
  };
}

/** presentStep's OpenAPI shape: steps recorded with the batch have no id, person or photos (null and empty). */
export const StepResponse = z
  .object({
    id: z.string().nullable(),
    stage: z.enum(BATCH_STEP_STAGES),
    at: z.string(),
    place: z.string().nullable(),
    responsible: z.string().nullable(),
    note: z.string().nullable(),
    photos: z.array(z.object({ fileId: z.string(), filename: z.string(), url: z.string() })),
  })
  .openapi('BatchStep');

const Step = StepResponse;
const dayField = z.string().nullable().openapi({ description: 'YYYY-MM-DD' });
const CeramicOrigin = {
  claySource: z.string(),
  kiln: z.string(),
  firingDate: dayField,
  workshop: z.string(),
  inspector: z.string(),
  giMark: z.string().nullable(),
};
const farmPlace = { cooperative: z.string().nullable(), township: z.string(), village: z.string().nullable() };
const farmFacts = { harvestDate: dayField, inspection: z.string(), brand: z.string().nullable() };
export const BatchResponse = z
  .object({
    id: z.string(),
    code: z.string(),
    traceUrl: z.string(),
    productId: z.string(),
    kind: z.enum(['ceramic', 'farm']),
    ceramic: z.object(CeramicOrigin).nullable(),
    farm: z.object({ householdRegistryNo: z.string().nullable(), ...farmPlace, ...farmFacts }).nullable(),
    steps: z.array(Step),
    quantity: z.number().int().nullable(),
    saleFrom: z.string(),
    saleTo: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Batch');

export const TraceResponse = z
  .object({
    code: z.string(),
    product: z.object({ name: z.string(), category: z.string(), brand: z.string().nullable(), township: z.string().nullable() }).nullable(),
    enterprise: z.object({ name: z.string() }).nullable(),
    origin: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('ceramic'), ...CeramicOrigin }),
        z.object({
          kind: z.literal('farm'),
          household: z
            .object({ name: z.string().openapi({ description: 'Masked' }), township: z.string(), village: z.string().nullable() })
            .nullable(),
          ...farmPlace,
          ...farmFacts,
        }),
      ])
      .openapi({
        description:
          'Ceramic: clay source, kiln, firing date, workshop, inspector, GI mark. Farm: household (name masked), cooperative, township, harvest date, inspection.',
      }),
    steps: z.array(Step),
    quantity: z.number().int().nullable(),
    saleWindow: z.object({ from: z.string(), to: z.string().nullable() }),
    sessions: z
      .array(
        z.object({
          id: z.string(),
          title: z.string(),
          startsAt: z.string(),
          endsAt: z.string(),
          status: z.string(),
          quantity: z.number().int(),
        }),
      )
      .openapi({ description: "Live sessions with placed orders of the batch's product within the batch's sale window" }),
    stations: z
      .array(z.object({ name: z.string(), township: z.string().nullable(), parcels: z.number().int() }))
      .openapi({ description: "The township stations the batch's goods reached, most parcels first" }),
  })
  .openapi('PublicTrace');

const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);

export function presentBatch(b: Batch & { _id: unknown }, traceUrl: string) {
  return {
    id: String(b._id),
    code: b.code,
    traceUrl,
    productId: String(b.productId),
    kind: b.kind,
    ceramic: b.ceramic ? { ...b.ceramic, firingDate: day(b.ceramic.firingDate) } : null,
    farm: b.farm ? { ...b.farm, harvestDate: day(b.farm.harvestDate) } : null,
    steps: b.steps.map((s) => presentStep(s, b.code)),
    quantity: b.quantity ?? null,
    saleFrom: b.saleFrom.toISOString(),
    saleTo: b.saleTo ? b.saleTo.toISOString() : null,
    createdAt: b.createdAt.toISOString(),
  };
}

export function traceUrlFor(origin: string, code: string): string {
  return `${origin.replace(/\/$/, '')}/trace/${code}`;
}

/** What the public trace shows beside the batch itself, gathered by getPublicTrace. */
export interface TraceFacts {
  product: { name: string; category: string; brand?: string | null; township?: string | null } | null;
  enterprise: { name: string; township?: string | null } | null;
  household: { name: string; township: string; village?: string | null } | null;
  sessions: { _id: unknown; title: string; startsAt: Date; endsAt: Date; status: string }[];
  soldBySession: Map<string, { quantity: number }>;
  stations: { name: string; township: string | null; parcels: number }[];
}

/** A batch's public chain; household personal data is masked, the registry number never published. */
export function presentTrace(batch: Batch & { _id: unknown }, facts: TraceFacts) {
  const { product, enterprise, household, sessions, soldBySession, stations } = facts;
  let origin: Record<string, unknown>;
  if (batch.ceramic) {
    origin = { kind: 'ceramic', ...batch.ceramic, firingDate: day(batch.ceramic.firingDate) };
  } else {
    const farm = batch.farm!;
    origin = {
      kind: 'farm',
      household: household ? { name: maskPersonName(household.name), township: household.township, village: household.village } : null,
      cooperative: farm.cooperative ?? null,
      township: farm.township,
      village: farm.village ?? null,
      harvestDate: day(farm.harvestDate),
      inspection: farm.inspection,
      brand: farm.brand ?? null,
    };
  }
  return {
    code: batch.code,
    product: product
      ? {
          name: product.name,
          category: product.category,
          brand: product.brand ?? null,
          township: product.township ?? enterprise?.township ?? null,
        }
      : null,
    enterprise: enterprise ? { name: enterprise.name } : null,
    origin,
    steps: batch.steps.map((s) => presentStep(s, batch.code)),
    quantity: batch.quantity ?? null,
    saleWindow: { from: batch.saleFrom.toISOString(), to: batch.saleTo ? batch.saleTo.toISOString() : null },
    sessions: sessions
      .map((s) => ({
        id: String(s._id),
        title: s.title,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        status: s.status,
        quantity: soldBySession.get(String(s._id))?.quantity ?? 0,
      }))
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
    stations,
  };
}
