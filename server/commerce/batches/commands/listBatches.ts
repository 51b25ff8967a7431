import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { assertCanListBatches } from '../../products/policies/productAccess.ts';
import { BatchModel } from '../batch.model.ts';
import { presentBatch, traceUrlFor } from '../presenters/batch.ts';
import { type BatchTarget, loadProduct } from './batchRecord.ts';

/** A product's batches, newest first (its enterprise, bureau, auditor). */
export async function listBatches(_ctx: HubContext, actor: AuthUser, { productId, origin }: BatchTarget) {
  assertCanListBatches(actor, await loadProduct(productId));
  const batches = await BatchModel.find({ productId }).sort({ createdAt: -1 }).lean();
  return { items: batches.map((b) => presentBatch(b, traceUrlFor(origin, b.code))) };
}
