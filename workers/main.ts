import { Worker, Queue } from 'bullmq';
import { componentProcessors } from '../server/components.ts';
import { bootstrap } from '../server/bootstrap.ts';
import { exitOnStartupError } from '../server/platform/bootstrap.ts';
import { disconnectMongo } from '../server/platform/db.ts';
import { queueOptions } from '../server/platform/queues.ts';
import { componentLogger } from '../server/platform/logger.ts';
import type { HubContext } from '../server/platform/context.ts';
import { startOverviewCounters } from '../server/openness/overviewCounters.ts';
import { startAuditOutboxDrainer } from '../server/platform/audit/outbox.ts';

const log = componentLogger('workers');

/** Starts one BullMQ Worker per processor the components declare; used by this process and by the tests. */
export async function startWorkers(ctx: HubContext): Promise<Worker[]> {
  const options = queueOptions(ctx.config);
  const workers: Worker[] = [];
  // Events produced by jobs here (claim approvals) update the big-screen counters in this process.
  startOverviewCounters(ctx);
  for (const registration of componentProcessors()) {
    if (registration.globalConcurrency) {
      const queue = new Queue(registration.queue, options);
      await queue.setGlobalConcurrency(registration.globalConcurrency);
      await queue.close();
    }
    const worker = new Worker(registration.queue, (job) => registration.process(job, ctx), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: registration.concurrency,
    });
    worker.on('failed', (job, err) =>
      log.warn({ queue: registration.queue, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'),
    );
    worker.on('error', (err) => log.error({ queue: registration.queue, err: err.message }, 'worker error'));
    workers.push(worker);
  }
  return workers;
}

async function main(): Promise<void> {
  const ctx = await bootstrap();
  // Audit events a crash left in the outbox (a claim assessed, its event not yet chained) are appended now.
  const stopDrainer = startAuditOutboxDrainer(ctx);
  const workers = await startWorkers(ctx);
  const queues = componentProcessors().map((p) => p.queue);
  log.info({ queues }, 'workers started');
  process.stdout.write(`Dehua Live Hub workers are running (${queues.length} queues)\n`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'workers shutting down: finishing active jobs');
    // close() waits for active jobs to finish, so none is lost or left half-done.
    await Promise.all(workers.map((w) => w.close()));
    await stopDrainer();
    ctx.redis.disconnect();
    await disconnectMongo();
    log.info('workers stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => exitOnStartupError(err, log));
}
