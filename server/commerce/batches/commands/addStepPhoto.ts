import { HttpError } from '../../../platform/errors.ts';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { storeEvidence } from '../../../claims/evidence.ts';
import { presentStep } from '../presenters/batch.ts';
import { findStep, ownBatch, withBatchLock } from './batchRecord.ts';

/** A photo (JPEG or PNG) of a batch's step. */
export type AddStepPhotoCommand = { batchId: string; stepId: string; file: Express.Multer.File | undefined };

export async function addStepPhoto(ctx: HubContext, actor: AuthUser, { batchId: id, stepId, file }: AddStepPhotoCommand) {
  // Refuse early what would be refused under the lock; the file is stored before it, so a big upload holds nobody up.
  findStep(await ownBatch(actor, id), stepId);
  const stored = await storeEvidence(ctx.config.HUB_UPLOAD_DIR, file);
  if (!stored.contentType.startsWith('image/'))
    throw new HttpError(415, 'unsupported_media_type', 'Invalid field "file": a step photo must be a JPEG or PNG');
  return withBatchLock(ctx, id, () => attachPhoto(actor, id, stepId, stored));
}

async function attachPhoto(actor: AuthUser, id: string, stepId: string, stored: Awaited<ReturnType<typeof storeEvidence>>) {
  const batch = await ownBatch(actor, id);
  const step = findStep(batch, stepId);
  step.photos.push({ fileId: stored.fileId, filename: stored.filename, contentType: stored.contentType, size: stored.size });
  batch.markModified('steps');
  await batch.save();
  return presentStep(step, batch.code);
}
