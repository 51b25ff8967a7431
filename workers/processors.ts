import type { Job } from 'bullmq';
import type { HubContext } from '../server/platform/context.ts';
import { overviewRebuildProcessor } from '../server/openness/overviewRebuild.ts';
import { reportProcessor } from '../server/openness/reports/reportQueue.ts';
import { claimProcessors } from '../server/claims/processors/index.ts';
import { REMINDER_QUEUE, processReminder } from '../server/live/sessions/reminders.ts';
import { ORDER_EXPIRY_QUEUE, processExpiry } from '../server/commerce/checkout/expiry.ts';

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

processors.push(...claimProcessors);

// Openness: big-screen counter rebuilds and bureau reports.
processors.push(overviewRebuildProcessor, reportProcessor);

// Live: remind a host 10 minutes before its session (published to the web processes over Redis).
processors.push({ queue: REMINDER_QUEUE, concurrency: 5, process: (job, ctx) => processReminder(job, ctx) });

// Commerce: an unpaid order expires and releases its stock (unless payment won the race in Redis).
processors.push({ queue: ORDER_EXPIRY_QUEUE, concurrency: 10, process: (job, ctx) => processExpiry(job, ctx) });
