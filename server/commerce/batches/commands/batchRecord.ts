import { HttpError, conflict, notFound } from '../../../platform/errors.ts';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { withRedisLocks } from '../../../platform/redisLock.ts';
import { ProductModel } from '../../products/product.model.ts';
import { assertCanRecordStep } from '../../products/policies/productAccess.ts';
import { BatchModel } from '../batch.model.ts';
import { normaliseTraceCode } from '../traceCode.ts';
import type { StepRecord } from '../presenters/batch.ts';

/** What the batch commands share: loading a product, a batch by id or code, the per-batch lock, a step. */

export const MAX_STEPS = 50;
const MAX_PHOTOS = 6;

/** The product a batch belongs to, and the public origin its trace links are built on. */
export type BatchTarget = { productId: string; origin: string };

export async function loadProduct(productId: string) {
  const product = await ProductModel.findById(productId).lean();
  if (!product) throw notFound('Product');
  return product;
}

export async function batchByCode(input: string) {
  const code = normaliseTraceCode(input);
  const batch = code ? await BatchModel.findOne({ code }).lean() : null;
  if (!batch) throw notFound('Trace code');
  return batch;
}

export async function ownBatch(actor: AuthUser, id: string) {
  const batch = await BatchModel.findById(id);
  if (!batch) throw notFound('Batch');
  assertCanRecordStep(actor, batch);
  return batch;
}

/**
 * One writer per batch's steps, across every process: a step or a photo is a read-sort-save of the whole
 * array (FerretDB has no transactions), so two phones adding at once would otherwise lose one of them.
 */
export function withBatchLock<T>(ctx: HubContext, id: string, work: () => Promise<T>): Promise<T> {
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

export function findStep(batch: Awaited<ReturnType<typeof ownBatch>>, stepId: string) {
  const step = batch.steps.find((s) => (s as StepRecord).id === stepId) as
    | (StepRecord & { photos: NonNullable<StepRecord['photos']> })
    | undefined;
  if (!step) throw notFound('Step');
  if ((step.photos ?? []).length >= MAX_PHOTOS)
    throw conflict(`A step holds at most ${MAX_PHOTOS} photos`, { maximum: MAX_PHOTOS }, 'too_many_files');
  return step;
}
