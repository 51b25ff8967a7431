import type { HubContext } from '../platform/context.ts';
import type { AuthUser } from '../platform/auth/roles.ts';
import { appendAudit } from '../platform/audit/auditLog.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { claimQueues } from './processors/queues.ts';

export async function failedJobs(ctx: HubContext) {
  const { assess, maintenance } = claimQueues(ctx);
  const items = [];
  for (const queue of [assess, maintenance]) {
    for (const job of await queue.getFailed(0, 199)) {
      items.push({
        queue: queue.name,
        id: job.id,
        name: job.name,
        data: job.data,
        failedReason: job.failedReason,
        attemptsMade: job.attemptsMade,
        finishedOn: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      });
    }
  }
  return { items };
}

export async function retryFailedJob(ctx: HubContext, actor: AuthUser, queueName: string, jobId: string) {
  const { assess, maintenance } = claimQueues(ctx);
  const queue = queueName === assess.name ? assess : maintenance;
  const job = await queue.getJob(jobId);
  if (!job) throw notFound(`Job ${jobId}`);
  if (!(await job.isFailed())) throw conflict(`Job ${jobId} has not failed`, undefined, 'wrong_state');
  await job.retry('failed');
  await appendAudit({ actor, action: 'claim-job.retry', target: { type: 'job', id: `${queueName}/${jobId}` } });
  return { queue: queueName, id: jobId, retried: true };
}
