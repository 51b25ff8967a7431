import { access } from 'node:fs/promises';
import type { HubContext } from '../../../platform/context.ts';
import { badRequest, notFound } from '../../../platform/errors.ts';
import { evidencePath } from '../../../claims/evidence.ts';
import { BatchModel } from '../batch.model.ts';
import type { StepRecord } from '../presenters/batch.ts';

export type GetStepPhotoCommand = { code: string; fileId: string };

/** A step's photo on disk with its type and size, found through the public trace code (the route streams it). */
export async function getStepPhoto(ctx: HubContext, command: GetStepPhotoCommand) {
  const { code, fileId } = command;
  if (!/^[0-9a-f-]{36}$/.test(fileId)) throw badRequest('Invalid params "fileId": must be a photo id');
  const batch = await BatchModel.findOne({ code }, { steps: 1 }).lean();
  const photo = batch?.steps.flatMap((s) => (s as StepRecord).photos ?? []).find((p) => p.fileId === fileId);
  if (!photo) throw notFound('Photo');
  const file = evidencePath(ctx.config.HUB_UPLOAD_DIR, fileId);
  await access(file).catch(() => {
    throw notFound('Photo on disk');
  });
  return { file, contentType: photo.contentType, size: photo.size };
}
