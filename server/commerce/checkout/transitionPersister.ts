import os from 'node:os';
import type { Redis } from 'ioredis';
import { OrderModel } from '../orders/order.model.ts';
import { ProductModel } from '../products/product.model.ts';
import { stockKey, unsavedOrdersKey } from '../orders/stockLedger.ts';
import { TAKE_SCRIPT } from '../orders/orderPersister.ts';
import { appendAudit } from '../../platform/audit/auditLog.ts';
import { componentLogger } from '../../platform/logger.ts';
import { transitionsKey, type HistoryEntry, type OrderStatus } from './orderState.ts';
import { reversesGmv } from '../orders/gmv.ts';
import { announceGmvReversal } from '../orders/gmvReversals.ts';
import { countStationParcel } from '../fulfilment/stationMonthly.ts';

const log = componentLogger('order-state-persister');

interface QueuedTransition {
  orderId: string;
  productId: string;
  version: number;
  status: OrderStatus;
  history: string;
  facts: string;
  released: number;
  entry: string;
  actor: string;
}

/**
 * Writes order transitions (decided in Redis by orderState.ts) to the order documents, with one audit event
 * each, and copies released stock to the product. Writes carry the state version, so a repeated or late write
 * never goes back in time; a transition of an order the order persister has not written yet waits for it.
 */
export class TransitionPersister {
  private readonly id = `${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private running = false;
  private loop: Promise<void> | null = null;
  private passes = 0;
  private idleWaiters: { after: number; resolve: () => void }[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get processingKey() {
    return `${this.prefix}:orders:transitions:processing:${this.id}`;
  }

  async start(): Promise<void> {
    // Transitions a stopped process was writing go back to the queue (their writes are idempotent by version).
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:orders:transitions:processing:*`, 'COUNT', 100);
      cursor = next;
      for (const key of keys) while (await this.redis.rpoplpush(key, transitionsKey(this.prefix)));
    } while (cursor !== '0');
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const pass = (this.passes += 1);
        const { taken, written } = await this.flushOnce();
        if (taken === 0) this.idleWaiters = this.idleWaiters.filter((w) => (w.after < pass ? (w.resolve(), false) : true));
        if (written === 0) await new Promise((r) => setTimeout(r, 20));
      } catch (err) {
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'order transitions not written; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Writes one batch; returns how many transitions it took and wrote (some may wait for their order). */
  async flushOnce(): Promise<{ taken: number; written: number }> {
    let raw = await this.redis.lrange(this.processingKey, 0, -1);
    if (!raw.length) raw = (await this.redis.eval(TAKE_SCRIPT, 2, transitionsKey(this.prefix), this.processingKey, 200)) as string[];
    if (!raw.length) return { taken: 0, written: 0 };
    const items = raw.map((r) => JSON.parse(r) as QueuedTransition);
    const unsaved = await this.redis.hmget(unsavedOrdersKey(this.prefix), ...items.map((t) => t.orderId));
    const waiting: string[] = [];
    let written = 0;
    for (const [i, t] of items.entries()) {
      if (unsaved[i]) {
        waiting.push(raw[i]!);
        continue;
      }
      const entry = JSON.parse(t.entry) as HistoryEntry;
      const actor = JSON.parse(t.actor) as { id: string; username: string; role: string } | null;
      // The queued transition is this event's outbox: a retry after a crash re-appends it under the same source, once.
      await appendAudit({
        source: `order-transition:${t.orderId}:${t.version}`,
        actor: actor as never,
        action: `order.${entry.event ?? t.status}`,
        target: { type: 'order', id: t.orderId },
        after: {
          status: t.status,
          version: t.version,
          at: entry.at,
          by: entry.by,
          facts: JSON.parse(t.facts) as unknown,
          released: t.released,
        },
      });
      const facts = JSON.parse(t.facts) as Record<string, unknown>;
      // A "+1" reservation's checkout facts become the order's own fields (station parcel lists query them).
      if (reversesGmv(t.status)) {
        // Before the status write, so a counter rebuild reading the order afterwards already knows (gmvReversals.ts).
        const order = await OrderModel.findById(t.orderId, { productId: 1, sessionId: 1, amountFen: 1, createdAt: 1 }).lean();
        if (order) {
          await announceGmvReversal({
            orderId: t.orderId,
            productId: String(order.productId),
            sessionId: order.sessionId ? String(order.sessionId) : null,
            amountFen: order.amountFen,
            placedAt: order.createdAt,
            status: t.status,
          });
        }
      }
      const promoted = facts.delivery ? { delivery: facts.delivery, payment: facts.payment, pickupCode: facts.pickupCode ?? null } : {};
      await OrderModel.updateOne(
        { _id: t.orderId, $or: [{ stateVersion: { $lt: t.version } }, { stateVersion: { $exists: false } }] },
        { $set: { status: t.status, stateVersion: t.version, history: JSON.parse(t.history) as unknown, facts, ...promoted } },
      );
      // Station throughput (the big screen): an arrival and a pick-up count once per order (a refund declined
      // back to `arrived` or `delivered` is not a second parcel).
      const station = facts.arrivedStationOrgId as string | undefined;
      if (station && typeof facts.arrivedAt === 'string' && (t.status === 'arrived' || (t.status === 'delivered' && facts.pickedUp))) {
        await countStationParcel(
          this.redis,
          this.prefix,
          t.status === 'arrived' ? 'arrived' : 'pickedUp',
          t.orderId,
          station,
          facts.arrivedAt,
        );
      }
      if (t.released > 0) {
        const stock = await this.redis.get(stockKey(this.prefix, t.productId));
        if (stock !== null) await ProductModel.updateOne({ _id: t.productId }, { $set: { stock: Number(stock) } });
      }
      written += 1;
    }
    // Those whose order is still in the write-behind queue go back to the far end and are retried shortly.
    const multi = this.redis.multi().del(this.processingKey);
    if (waiting.length) multi.rpush(transitionsKey(this.prefix), ...waiting);
    await multi.exec();
    return { taken: items.length, written };
  }

  /** Resolves once the queue has been seen empty. */
  drained(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push({ after: this.passes, resolve }));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    await Promise.race([this.drained(), new Promise((r) => setTimeout(r, 10_000))]);
    this.running = false;
    await this.loop;
  }
}
