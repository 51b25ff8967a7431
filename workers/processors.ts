import type { Job } from 'bullmq';
import type { HubContext } from '../server/platform/context.ts';

/**
 * A BullMQ processor the worker process runs. Each queue's work lives in its component
 * (e.g. server/claims/processors); this list is where the worker process finds them.
 */
export interface ProcessorRegistration {
  queue: string;
  /** Jobs run at once across every worker process (1 = a single writer). */
  globalConcurrency?: number;
  /** Jobs run at once in this process. */
  concurrency: number;
  process: (job: Job, ctx: HubContext) => Promise<unknown>;
}

export const processors: ProcessorRegistration[] = [];
