import { z } from 'zod';
import { createReadStream } from 'node:fs';
import type { Request } from 'express';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import { idParams } from '../../platform/http/schemas.ts';
import { parseEvidenceUpload } from '../../claims/evidence.ts';
import { CreateBatchBody, createBatch } from './commands/createBatch.ts';
import { listBatches } from './commands/listBatches.ts';
import { getBatchQr } from './commands/getBatchQr.ts';
import { getPublicTrace } from './commands/getPublicTrace.ts';
import { recordStep, StepBody } from './commands/recordStep.ts';
import { addStepPhoto } from './commands/addStepPhoto.ts';
import { getStepPhoto } from './commands/getStepPhoto.ts';
import { BatchResponse, StepResponse, TraceResponse } from './presenters/batch.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

/** Where the trace pages are served: HUB_PUBLIC_URL when set (behind a proxy), else the request's own origin. */
export function publicOrigin(req: Request): string {
  return ctxOf(req).config.HUB_PUBLIC_URL ?? `${req.protocol}://${req.get('host')}`;
}

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
    handler: ({ user, params, body, req }) => createBatch(ctxOf(req), user, { ...body, productId: params.id, origin: publicOrigin(req) }),
  });
  routes.route({
    method: 'get',
    path: '/products/:id/batches',
    summary: "A product's batches (its enterprise, bureau, auditor)",
    tags: ['traceability'],
    access: ['enterprise', 'bureau', 'auditor'],
    params: idParams,
    response: z.object({ items: z.array(BatchResponse) }),
    handler: ({ user, params, req }) => listBatches(ctxOf(req), user, { productId: params.id, origin: publicOrigin(req) }),
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
        const image = await getBatchQr({ code: params.code, origin: publicOrigin(req), format });
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
    handler: ({ params }) => getPublicTrace({ code: params.code }),
  });
  routes.route({
    method: 'post',
    path: '/batches/:id/steps',
    summary: 'Record a production or circulation step of a batch (date, place, responsible person)',
    tags: ['traceability'],
    access: ['enterprise'],
    params: idParams,
    body: StepBody,
    status: 201,
    response: z.object({ id: z.string(), steps: z.array(StepResponse) }),
    handler: ({ user, params, body, req }) => recordStep(ctxOf(req), user, { ...body, batchId: params.id }),
  });
  routes.route({
    method: 'post',
    path: '/batches/:id/steps/:stepId/photos',
    summary: "Add a photo (JPEG or PNG, ≤ 10 MB) to a batch's step",
    tags: ['traceability'],
    access: ['enterprise'],
    status: 201,
    before: [parseEvidenceUpload],
    params: z.object({ id: idParams.shape.id, stepId: z.string().regex(/^[0-9a-f-]{36}$/, 'must be a step id') }).strict(),
    requestContent: {
      body: {
        content: { 'multipart/form-data': { schema: z.object({ file: z.string().openapi({ type: 'string', format: 'binary' }) }) } },
      },
    },
    response: StepResponse,
    handler: ({ user, params, req }) => addStepPhoto(ctxOf(req), user, { batchId: params.id, stepId: params.stepId, file: req.file }),
  });
  routes.route({
    method: 'get',
    path: '/public/trace/:code/photos/:fileId',
    summary: "A photo of a batch's step (public, like the trace page)",
    tags: ['public'],
    access: 'public',
    params: z.object({ code: z.string().max(64), fileId: z.string().max(64) }).strict(),
    produces: ['image/jpeg', 'image/png'],
    handler: async ({ params, req, res }) => {
      const photo = await getStepPhoto(ctxOf(req), { code: params.code, fileId: params.fileId });
      res
        .status(200)
        .set({ 'Content-Type': photo.contentType, 'Content-Length': String(photo.size), 'Cache-Control': 'public, max-age=3600' });
      await new Promise<void>((resolve, reject) => {
        createReadStream(photo.file).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
      });
    },
  });
}
