import type { ProcessorRegistration } from '../../platform/component.ts';
import { ASSESS_QUEUE, MAINTENANCE_QUEUE, type AssessJobData, type MaintenanceJobData } from './queues.ts';
import { processAssessJob } from './assessClaim.ts';
import { processMaintenanceJob } from './maintenance.ts';
import type { Job } from 'bullmq';

/** The claims queues' processors, declared by the claims component (component.ts). */
export const claimProcessors: ProcessorRegistration[] = [
  // Assessments of different claims run side by side (their writes group-committed, tallyWrites.ts);
  // each claim's own writes are serialised by its lock.
  { queue: ASSESS_QUEUE, concurrency: 64, process: (job, ctx) => processAssessJob(job as Job<AssessJobData>, ctx) },
  // One fan-out at a time across every worker process.
  {
    queue: MAINTENANCE_QUEUE,
    concurrency: 1,
    globalConcurrency: 1,
    process: (job, ctx) => processMaintenanceJob(job as Job<MaintenanceJobData>, ctx),
  },
];
