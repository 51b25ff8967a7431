import type { Job } from 'bullmq';
import type { HubContext } from '../../platform/context.ts';
import { ClaimModel } from '../claim.model.ts';
import { ProcurementModel } from '../procurements/procurement.model.ts';
import { invalidatePolicyCache, watchPolicyPublications } from '../policy/policyService.ts';
import { enqueueAssessment, type MaintenanceJobData } from './queues.ts';
import { publishPendingAwards } from '../awards/publishAward.ts';

/**
 * Re-assessment fan-out, itself a job so it survives restarts: finds the pending claims a change
 * touches and enqueues one assessment each (idempotent per claim revision and job id). Also publishes
 * the awards a crash left unwritten (kind `awards`).
 */
export async function processMaintenanceJob(
  job: Job<MaintenanceJobData>,
  ctx: HubContext,
): Promise<{ enqueued: number } | Awaited<ReturnType<typeof publishPendingAwards>>> {
  await watchPolicyPublications(ctx);
  const data = job.data;
  // The awards read model: awards a crash left behind their claims, and the first backfill.
  if (data.kind === 'awards') return publishPendingAwards(job, ctx);
  const stamp = String(job.id);
  let enqueued = 0;
  if (data.kind === 'household') {
    const procurements = await ProcurementModel.find({ householdRegistryNo: data.registryNo }, { _id: 1 }).lean();
    if (!procurements.length) return { enqueued };
    const claims = await ClaimModel.find(
      {
        program: 'poverty_procurement',
        status: { $in: ['submitted', 'assessed'] },
        procurementIds: { $in: procurements.map((p) => p._id) },
      },
      { revision: 1 },
    ).lean();
    for (const c of claims) {
      await enqueueAssessment(ctx, String(c._id), c.revision, 'household', stamp);
      enqueued += 1;
    }
  } else if (data.kind === 'policy') {
    invalidatePolicyCache();
    const claims = await ClaimModel.find({ status: { $in: ['submitted', 'assessed'] } }, { revision: 1 }).lean();
    for (const c of claims) {
      await enqueueAssessment(ctx, String(c._id), c.revision, 'policy', stamp);
      enqueued += 1;
    }
  } else {
    // Sweep: submissions whose job was never enqueued (the process died between the write and the enqueue).
    const claims = await ClaimModel.find({ status: 'submitted' }, { revision: 1 }).lean();
    for (const c of claims) {
      await enqueueAssessment(ctx, String(c._id), c.revision, 'submit');
      enqueued += 1;
    }
  }
  return { enqueued };
}
