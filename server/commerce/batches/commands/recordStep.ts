import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isoDateTime, text } from '../../../platform/http/schemas.ts';
import { conflict } from '../../../platform/errors.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { BATCH_STEP_STAGES } from '../batch.model.ts';
import { presentStep, type StepRecord } from '../presenters/batch.ts';
import { MAX_STEPS, ownBatch, withBatchLock } from './batchRecord.ts';

export const StepBody = z
  .object({ stage: z.enum(BATCH_STEP_STAGES), at: isoDateTime, place: text(100), responsible: text(64), note: text(300).optional() })
  .strict()
  .openapi('RecordBatchStep');

/** A production or circulation step of a batch, recorded by its enterprise as it happens (from a phone). */
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
  return { id, steps: steps.map((s) => presentStep(s as StepRecord, code)) };
}
