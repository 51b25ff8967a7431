import { z } from 'zod';
import type { Request } from 'express';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import { idParams, isoDate, isoDateTime, text } from '../../platform/http/schemas.ts';
import { PUBLIC_BRANDS, TOWNSHIPS } from '../../../config/places.ts';
import { BATCH_STEP_STAGES } from './batch.model.ts';
import { batchQr, createBatch, listBatches, publicTrace } from './batchService.ts';
import { registerBatchStepRoutes, StepResponse } from './batchSteps.ts';

const CERAMIC_MARKS = PUBLIC_BRANDS.filter((b) => b.startsWith('德化'));

/** Where the trace pages are served: HUB_PUBLIC_URL when set (behind a proxy), else the request's own origin. */
export function publicOrigin(req: Request): string {
  const ctx = req.app.locals.ctx as HubContext;
  return ctx.config.HUB_PUBLIC_URL ?? `${req.protocol}://${req.get('host')}`;
}

const CreateBatchBody = z
  .object({
    ceramic: z
      .object({
        claySource: text(100),
        kiln: text(100),
        firingDate: isoDate,
        workshop: text(100),
        inspector: text(64),
        giMark: z
          .enum(CERAMIC_MARKS as [string, ...string[]], { errorMap: () => ({ message: `must be one of ${CERAMIC_MARKS.join(' ')}` }) })
          .optional(),
      })
      .strict()
      .optional(),
    farm: z
      .object({
        householdRegistryNo: z.string().trim().min(1).max(64).optional(),
        cooperative: text(100).optional(),
        township: z.enum(TOWNSHIPS, { errorMap: () => ({ message: "must be one of the county's 18 townships" }) }),
        village: text(64).optional(),
        harvestDate: isoDate,
        inspection: text(200),
        brand: z.literal('三黑三黄三红').optional(),
      })
      .strict()
      .refine((f) => f.householdRegistryNo || f.cooperative, {
        message: 'name the household (householdRegistryNo) or the cooperative',
        path: ['householdRegistryNo'],
      })
      .optional(),
    steps: z
      .array(
        z
          .object({
            stage: z.enum(BATCH_STEP_STAGES),
            at: isoDateTime,
            place: text(100).optional(),
            note: text(300).optional(),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    quantity: z.number().int().positive().max(1e9).optional(),
    saleFrom: isoDateTime.optional(),
    saleTo: isoDateTime.optional(),
  })
  .strict()
  .refine((b) => Boolean(b.ceramic) !== Boolean(b.farm), { message: 'give exactly one of ceramic or farm origin data', path: ['ceramic'] })
  .refine((b) => !b.saleFrom || !b.saleTo || b.saleTo >= b.saleFrom, { message: 'must not be before saleFrom', path: ['saleTo'] })
  .openapi('CreateBatch');

const Step = StepResponse;
const day = z.string().nullable().openapi({ description: 'YYYY-MM-DD' });
const CeramicOrigin = {
  claySource: z.string(),
  kiln: z.string(),
  firingDate: day,
  workshop: z.string(),
  inspector: z.string(),
  giMark: z.string().nullable(),
};
const farmPlace = { cooperative: z.string().nullable(), township: z.string(), village: z.string().nullable() };
const farmFacts = { harvestDate: day, inspection: z.string(), brand: z.string().nullable() };
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

const CodeParams = z.object({ code: z.string().max(64) }).strict();

export function registerBatchRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/products/:id/batches',
    summary: 'Record a production batch with its origin; returns its trace code',
    tags: ['traceability'],
    access: ['enterprise'],
    params: idParams,
    body: CreateBatchBody,
    status: 201,
    response: BatchResponse,
    handler: ({ user, params, body, req }) =>
      createBatch(req.app.locals.ctx as HubContext, user, { ...body, productId: params.id, origin: publicOrigin(req) }),
  });
  routes.route({
    method: 'get',
    path: '/products/:id/batches',
    summary: "A product's batches (its enterprise, bureau, auditor)",
    tags: ['traceability'],
    access: ['enterprise', 'bureau', 'auditor'],
    params: idParams,
    response: z.object({ items: z.array(BatchResponse) }),
    handler: ({ user, params, req }) =>
      listBatches(req.app.locals.ctx as HubContext, user, { productId: params.id, origin: publicOrigin(req) }),
  });
  for (const format of ['png', 'svg'] as const) {
    routes.route({
      method: 'get',
      path: `/batches/:code/qr.${format}`,
      summary: `The batch's QR code (${format.toUpperCase()}) pointing at its public trace page`,
      tags: ['traceability'],
      access: 'public',
      params: CodeParams,
      produces: [format === 'png' ? 'image/png' : 'image/svg+xml'],
      handler: async ({ params, req, res }) => {
        const image = await batchQr(params.code, publicOrigin(req), format);
        res.set('Cache-Control', 'private, max-age=3600');
        res.type(format === 'png' ? 'image/png' : 'image/svg+xml').send(image);
      },
    });
  }
  routes.route({
    method: 'get',
    path: '/public/trace/:code',
    summary: "A batch's chain from origin to sale; 404 for an unknown code",
    tags: ['public'],
    access: 'public',
    params: CodeParams,
    response: TraceResponse,
    handler: ({ params }) => publicTrace(params.code),
  });
  registerBatchStepRoutes(routes);
}
