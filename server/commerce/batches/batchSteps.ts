/**
 * Production and circulation steps of a batch, recorded by its enterprise as they happen (from a phone):
 * what was done, when, where, who was responsible, with photos. The public trace page shows them as a chain.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { z } from 'zod';
import type { Response } from 'express';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { idParams, isoDateTime, text } from '../../platform/http/schemas.ts';
import { HttpError, badRequest, conflict, notFound } from '../../platform/errors.ts';
import { saveAudited } from '../../platform/audit/outbox.ts';
import { evidencePath, parseEvidenceUpload, storeEvidence } from '../../claims/evidence.ts';
import { withRedisLocks } from '../../platform/redisLock.ts';
import { BATCH_STEP_STAGES, BatchModel } from './batch.model.ts';
import { assertCanRecordStep } from '../products/policies/productAccess.ts';

const MAX_STEPS = 50;
const MAX_PHOTOS = 6;

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
export function stepDto(record: unknown, code: string) {
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

/** stepDto's OpenAPI shape: steps recorded with the batch have no id, person or photos (null and empty). */
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

const StepBody = z
  .object({ stage: z.enum(BATCH_STEP_STAGES), at: isoDateTime, place: text(100), responsible: text(64), note: text(300).optional() })
  .strict()
  .openapi('RecordBatchStep');

async function ownBatch(actor: AuthUser, id: string) {
  const batch = await BatchModel.findById(id);
  if (!batch) throw notFound('Batch');
  assertCanRecordStep(actor, batch);
  return batch;
}

/**
 * One writer per batch's steps, across every process: a step or a photo is a read-sort-save of the whole
 * array (FerretDB has no transactions), so two phones adding at once would otherwise lose one of them.
 */
function withBatchLock<T>(ctx: HubContext, id: string, work: () => Promise<T>): Promise<T> {
  return withRedisLocks(ctx.redis, [`${ctx.config.REDIS_PREFIX}:batch-steps-lock:${id}`], work, {
    ttlMs: 10_000,
    waitMs: 8_000,
    retry: { firstMs: 5, maxMs: 100, jitter: true },
    busy: () =>
      new HttpError(503, 'service_unavailable', 'The batch is busy with other changes; try again in a moment', undefined, {
        'Retry-After': '1',
      }),
  });
}

export type RecordStepCommand = z.infer<typeof StepBody> & { batchId: string };

export async function recordStep(ctx: HubContext, actor: AuthUser, { batchId: id, ...body }: RecordStepCommand) {
  const { steps, code } = await withBatchLock(ctx, id, async () => {
    const batch = await ownBatch(actor, id);
    if (batch.steps.length >= MAX_STEPS)
      throw conflict(`A batch holds at most ${MAX_STEPS} steps`, { maximum: MAX_STEPS }, 'too_many_steps');
    const added = {
      id: randomUUID(),
      stage: body.stage,
      at: body.at,
      place: body.place,
      responsible: body.responsible,
      note: body.note ?? null,
      photos: [],
    };
    batch.steps.push(added as never);
    // Stable sort: steps on the same date keep the order they were recorded in.
    batch.steps.sort((a, b) => a.at.getTime() - b.at.getTime());
    await saveAudited(batch, {
      actor,
      action: 'batch.step',
      target: { type: 'batch', id },
      after: { stepId: added.id, stage: added.stage, at: added.at.toISOString() },
    });
    return { steps: [...batch.steps], code: batch.code, step: added };
  });
  return { id, steps: steps.map((s) => stepDto(s as StepRecord, code)) };
}

export type AddStepPhotoCommand = { batchId: string; stepId: string; file: Express.Multer.File | undefined };

export async function addStepPhoto(ctx: HubContext, actor: AuthUser, { batchId: id, stepId, file }: AddStepPhotoCommand) {
  // Refuse early what would be refused under the lock; the file is stored before it, so a big upload holds nobody up.
  findStep(await ownBatch(actor, id), stepId);
  const stored = await storeEvidence(ctx.config.HUB_UPLOAD_DIR, file);
  if (!stored.contentType.startsWith('image/'))
    throw new HttpError(415, 'unsupported_media_type', 'Invalid field "file": a step photo must be a JPEG or PNG');
  return withBatchLock(ctx, id, () => attachPhoto(actor, id, stepId, stored));
}

function findStep(batch: Awaited<ReturnType<typeof ownBatch>>, stepId: string) {
  const step = batch.steps.find((s) => (s as StepRecord).id === stepId) as
    | (StepRecord & { photos: NonNullable<StepRecord['photos']> })
    | undefined;
  if (!step) throw notFound('Step');
  if ((step.photos ?? []).length >= MAX_PHOTOS)
    throw conflict(`A step holds at most ${MAX_PHOTOS} photos`, { maximum: MAX_PHOTOS }, 'too_many_files');
  return step;
}

async function attachPhoto(actor: AuthUser, id: string, stepId: string, stored: Awaited<ReturnType<typeof storeEvidence>>) {
  const batch = await ownBatch(actor, id);
  const step = findStep(batch, stepId);
  step.photos.push({ fileId: stored.fileId, filename: stored.filename, contentType: stored.contentType, size: stored.size });
  batch.markModified('steps');
  await batch.save();
  return stepDto(step, batch.code);
}

async function sendPhoto(ctx: HubContext, code: string, fileId: string, res: Response) {
  if (!/^[0-9a-f-]{36}$/.test(fileId)) throw badRequest('Invalid params "fileId": must be a photo id');
  const batch = await BatchModel.findOne({ code }, { steps: 1 }).lean();
  const photo = batch?.steps.flatMap((s) => (s as StepRecord).photos ?? []).find((p) => p.fileId === fileId);
  if (!photo) throw notFound('Photo');
  const file = evidencePath(ctx.config.HUB_UPLOAD_DIR, fileId);
  await access(file).catch(() => {
    throw notFound('Photo on disk');
  });
  res.status(200).set({ 'Content-Type': photo.contentType, 'Content-Length': String(photo.size), 'Cache-Control': 'public, max-age=3600' });
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
  });
}

export function registerBatchStepRoutes(routes: RouteTable): void {
  const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;
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
    handler: ({ params, req, res }) => sendPhoto(ctxOf(req), params.code, params.fileId, res),
  });
}
