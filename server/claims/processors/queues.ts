import { Queue, QueueEvents } from 'bullmq';
import type { HubContext } from '../../platform/context.ts';
import { queueOptions } from '../../platform/queues.ts';
import { ApprovalLedger } from '../ledger.ts';

export const ASSESS_QUEUE = 'claims-assess';
export const MAINTENANCE_QUEUE = 'claims-maintenance';

export interface AssessJobData {
  claimId: string;
  revision: number;
  /** 'submit' for a submission's first assessment; anything else re-assesses an already assessed claim. */
  reason: 'submit' | 'household' | 'policy' | 'sweep';
}

export type MaintenanceJobData =
  | { kind: 'household'; registryNo: string }
  | { kind: 'policy'; version: string }
  | { kind: 'sweep' }
  | { kind: 'awards' };

export interface ClaimQueues {
  assess: Queue<AssessJobData>;
  maintenance: Queue<MaintenanceJobData>;
  ledger: ApprovalLedger;
}

/** The claims queues for this process, created once and kept on ctx.services (closed by stopClaimQueues). */
export function claimQueues(ctx: HubContext): ClaimQueues {
  const existing = ctx.services.claims as ClaimQueues | undefined;
  if (existing) return existing;
  const options = queueOptions(ctx.config);
  const queues: ClaimQueues = {
    assess: new Queue<AssessJobData>(ASSESS_QUEUE, options),
    maintenance: new Queue<MaintenanceJobData>(MAINTENANCE_QUEUE, options),
    ledger: new ApprovalLedger(ctx.redis, ctx.config.REDIS_PREFIX),
  };
  ctx.services.claims = queues;
  return queues;
}

export async function stopClaimQueues(ctx: HubContext): Promise<void> {
  const queues = ctx.services.claims as ClaimQueues | undefined;
  if (!queues) return;
  delete ctx.services.claims;
  await Promise.all([queues.assess.close(), queues.maintenance.close()]);
}

/**
 * jobId = claim + revision: a duplicated enqueue of the same submission is one job (BullMQ drops the
 * repeat). BullMQ refuses ':' in custom ids, hence `${claimId}.r${revision}`.
 */
export function assessJobId(claimId: string, revision: number, reason: AssessJobData['reason'], stamp = ''): string {
  return reason === 'submit' ? `${claimId}.r${revision}` : `${claimId}.r${revision}.${reason}.${stamp.replace(/:/g, '_')}`;
}

export async function enqueueAssessment(
  ctx: HubContext,
  claimId: string,
  revision: number,
  reason: AssessJobData['reason'] = 'submit',
  stamp = '',
): Promise<void> {
  await claimQueues(ctx).assess.add('assess', { claimId, revision, reason }, { jobId: assessJobId(claimId, revision, reason, stamp) });
}

export { QueueEvents };
