import { Queue, type Job } from 'bullmq';
import type { HubContext } from '../../platform/context.ts';
import { queueOptions } from '../../platform/queues.ts';
import { HttpError } from '../../platform/errors.ts';
import { componentLogger } from '../../platform/logger.ts';
import { applyTransition } from './orderTransitions.ts';
import { endFlashSale } from '../live/flashSaleStore.ts';

const log = componentLogger('order-expiry');

export const ORDER_EXPIRY_QUEUE = 'order-expiry';
export interface ExpiryJob {
  orderId: string;
  /** A 'flash-end' job: the flash sale to end (live/commands/startFlashSale.ts). */
  flash?: { sessionId: string; saleId: string };
  /** Which deadline: '' for the order's first one; '+1 checkout' deadlines carry their own token. */
  deadline?: string;
}

export const expiryJobId = (orderId: string) => `expire-${orderId}`;

export function expiryQueue(ctx: HubContext): Queue<ExpiryJob> {
  let queue = ctx.services.orderExpiryQueue;
  if (!queue) {
    queue = new Queue<ExpiryJob>(ORDER_EXPIRY_QUEUE, queueOptions(ctx.config));
    ctx.services.orderExpiryQueue = queue;
  }
  return queue;
}

/**
 * Added before the order is placed (so no accepted order lacks its expiry, whatever crashes in between);
 * a job whose order was never placed finds nothing and ends.
 */
export async function scheduleExpiry(ctx: HubContext, orderId: string, delayMs: number, deadline = ''): Promise<void> {
  await expiryQueue(ctx).add(
    'expire-unpaid',
    { orderId, deadline },
    { jobId: expiryJobId(orderId) + (deadline ? `-${deadline}` : ''), delay: delayMs, attempts: 5 },
  );
}

/** Worker side: an order still unpaid becomes expired and gives its stock back, unless payment won the race. */
export async function processExpiry(job: Job<ExpiryJob>, ctx: HubContext): Promise<string> {
  if (job.data.flash) {
    const returned = await endFlashSale(ctx, job.data.flash.sessionId, job.data.flash.saleId);
    return returned < 0 ? 'flash-already-ended' : `flash-ended:${returned}`;
  }
  try {
    await applyTransition(ctx, null, job.data.orderId, {
      from: ['placed'],
      to: 'expired',
      check: () => undefined,
      deadline: job.data.deadline || 'first',
    });
    log.info({ orderId: job.data.orderId }, 'unpaid order expired; stock released');
    return 'expired';
  } catch (err) {
    // Paid, cancelled or never placed: nothing to do.
    if (err instanceof HttpError && (err.status === 409 || err.status === 404)) return err.status === 409 ? 'already-moved' : 'no-order';
    throw err;
  }
}
