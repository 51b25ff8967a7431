import { Queue, type Job } from 'bullmq';
import type { HubContext } from '../../platform/context.ts';
import { queueOptions } from '../../platform/queues.ts';
import type { ProcessorRegistration } from '../../platform/component.ts';
import { buildReport, type ReportRequest } from './reportService.ts';

export const REPORTS_QUEUE = 'reports';

/** Builds a report in the worker process; the web process reads its progress and result from the job. */
export const reportProcessor: ProcessorRegistration = {
  queue: REPORTS_QUEUE,
  globalConcurrency: 2,
  concurrency: 1,
  process: (job: Job<ReportRequest & { requestedBy: string }>, ctx: HubContext) =>
    buildReport(ctx, { from: job.data.from, to: job.data.to }, (p) => job.updateProgress(p)),
};

export function reportsQueue(ctx: HubContext): Queue {
  return new Queue(REPORTS_QUEUE, {
    ...queueOptions(ctx.config),
    // A finished report stays readable for a week; a failed one is kept for the operator.
    defaultJobOptions: {
      attempts: 2,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
}
