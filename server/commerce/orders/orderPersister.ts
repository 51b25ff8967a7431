import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { OrderModel } from './order.model.ts';
import { ProductModel } from '../products/product.model.ts';
import { pendingOrdersKey, releaseStock, stockKey, unsavedOrdersKey } from './stockLedger.ts';
import { appendAudit } from '../../platform/audit/auditLog.ts';
import { isDuplicateKeyError } from '../../platform/errors.ts';
import { componentLogger } from '../../platform/logger.ts';

const log = componentLogger('order-persister');

/** An accepted order as queued in Redis (dates as ISO strings). */
export interface QueuedOrder {
  _id: string;
  productId: string;
  enterpriseId: string;
  buyerUserId: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
  sessionId: string | null;
  idempotencyKey: string;
  status: 'placed';
  createdAt: string;
  /** Checkout fields (delivery, payment, pickupCode, trackingCode, expiresAt), when placed with them. */
  delivery?: unknown;
  payment?: unknown;
  pickupCode?: string | null;
  trackingCode?: string | null;
  expiresAt?: string | null;
}

const BATCH = 500;

// Moves up to ARGV[1] items from a queue (KEYS[1]) to a persister's processing list (KEYS[2]) and returns them;
// the order persister and the transition persister both take their batches with it.
export const TAKE_SCRIPT = `
local taken = {}
for i = 1, tonumber(ARGV[1]) do
  local item = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
  if not item then break end
  taken[#taken + 1] = item
end
return taken
`;

/**
 * Write-behind for orders: Redis decided and queued each order atomically (stockLedger.ts); this loop
 * writes them to the database in batches (FerretDB takes one insert per few ms, a batch of hundreds in
 * about the same time), copies the stock counters, and appends one audit event per batch listing every
 * order. A crashed persister's batch is handed back to the queue by the next one that starts.
 */
export interface PersisterTiming {
  /** How often this persister renews its heartbeat and looks for batches of stopped persisters. */
  heartbeatMs: number;
  /** How long a heartbeat stays valid: a persister silent this long is taken for stopped. */
  aliveTtlMs: number;
}

const DEFAULT_TIMING: PersisterTiming = { heartbeatMs: 5000, aliveTtlMs: 15_000 };

export class OrderPersister extends EventEmitter<{ reclaimed: [{ owner: string; moved: number }] }> {
  private readonly id = `${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private running = false;
  private loop: Promise<void> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private idleWaiters: { after: number; resolve: () => void }[] = [];
  private passes = 0;
  private readonly timing: PersisterTiming;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    timing: Partial<PersisterTiming> = {},
  ) {
    super();
    this.timing = { ...DEFAULT_TIMING, ...timing };
  }

  /** Every persister that may hold a processing list (ids), so recovery never scans the keyspace. */
  private get registryKey(): string {
    return `${this.prefix}:orders:persisters`;
  }

  private get processingKey(): string {
    return `${this.prefix}:orders:processing:${this.id}`;
  }

  private aliveKey(id: string): string {
    return `${this.prefix}:orders:persister:${id}`;
  }

  async start(): Promise<void> {
    await this.redis.multi().set(this.aliveKey(this.id), '1', 'PX', this.timing.aliveTtlMs).sadd(this.registryKey, this.id).exec();
    // Each beat also hands back batches of persisters that stopped beating (another web process that died
    // keeps its batch only until a live one notices, not until the next start).
    this.heartbeat = setInterval(() => {
      void this.redis
        .set(this.aliveKey(this.id), '1', 'PX', this.timing.aliveTtlMs)
        .then(() => this.reclaimOrphans())
        .catch((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'persister heartbeat failed'));
    }, this.timing.heartbeatMs);
    this.heartbeat.unref();
    await this.reclaimOrphans();
    this.running = true;
    this.loop = this.run();
  }

  /** Batches left in processing by persisters that stopped heart-beating go back to the queue. */
  async reclaimOrphans(): Promise<void> {
    for (const owner of await this.redis.smembers(this.registryKey)) {
      if (owner === this.id || (await this.redis.exists(this.aliveKey(owner)))) continue;
      const key = `${this.prefix}:orders:processing:${owner}`;
      let moved = 0;
      while (await this.redis.rpoplpush(key, pendingOrdersKey(this.prefix))) moved += 1;
      await this.redis.srem(this.registryKey, owner);
      if (moved) {
        log.warn({ owner, moved }, 'reclaimed orders of a stopped persister');
        this.emit('reclaimed', { owner, moved });
      }
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const pass = (this.passes += 1);
        const written = await this.flushOnce();
        if (written === 0) {
          // Only a pass that began after the waiter asked proves the queue empty for it.
          this.idleWaiters = this.idleWaiters.filter((w) => (w.after < pass ? (w.resolve(), false) : true));
          await new Promise((r) => setTimeout(r, 10));
        }
      } catch (err) {
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'order batch not written; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Writes one batch; returns how many orders it took (0 when the queue is empty). */
  async flushOnce(): Promise<number> {
    // A batch left by a failed attempt is retried first.
    let raw = await this.redis.lrange(this.processingKey, 0, -1);
    if (!raw.length) raw = (await this.redis.eval(TAKE_SCRIPT, 2, pendingOrdersKey(this.prefix), this.processingKey, BATCH)) as string[];
    if (!raw.length) return 0;
    const orders = raw.map((r) => JSON.parse(r) as QueuedOrder);
    const refused = await this.insert(orders);
    const written = orders.filter((o) => !refused.has(o._id));
    const products = [...new Set(written.map((o) => o.productId))];
    const stocks = products.length ? await this.redis.mget(products.map((p) => stockKey(this.prefix, p))) : [];
    await Promise.all(
      products.map((p, i) => (stocks[i] === null ? null : ProductModel.updateOne({ _id: p }, { $set: { stock: Number(stocks[i]) } }))),
    );
    if (written.length) {
      // The queued batch is this event's outbox: a retry after a crash re-appends it under the same source, once.
      await appendAudit({
        source: `order.place:${createHash('sha256')
          .update(written.map((o) => o._id).join(','))
          .digest('hex')}`,
        actor: null,
        action: 'order.place',
        target: { type: 'order-batch', id: written[0]!._id },
        after: { count: written.length, orders: written.map(({ _id, ...rest }) => ({ id: _id, ...rest })) },
      });
    }
    await this.redis
      .multi()
      .del(this.processingKey)
      .hdel(unsavedOrdersKey(this.prefix), ...orders.map((o) => o._id))
      .exec();
    return orders.length;
  }

  /** insertMany that tolerates a batch written before (same _id); returns orders the database refused for good. */
  private async insert(orders: QueuedOrder[]): Promise<Set<string>> {
    const refused = new Set<string>();
    try {
      // The driver's insertMany: the queued orders were validated when placed, and mongoose casting of
      // hundreds of documents per batch would cost the web process more CPU than the write itself.
      const id = (v: string) => new Types.ObjectId(v);
      await OrderModel.collection.insertMany(
        orders.map((o) => ({
          ...o,
          _id: id(o._id),
          productId: id(o.productId),
          enterpriseId: id(o.enterpriseId),
          buyerUserId: id(o.buyerUserId),
          sessionId: o.sessionId ? id(o.sessionId) : null,
          createdAt: new Date(o.createdAt),
          updatedAt: new Date(o.createdAt),
          __v: 0,
        })),
        { ordered: false },
      );
    } catch (err) {
      const writeErrors = (
        err as {
          writeErrors?: { index?: number; err?: { index?: number; code?: number; errmsg?: string }; code?: number; errmsg?: string }[];
        }
      ).writeErrors;
      if (!writeErrors && !isDuplicateKeyError(err)) throw err;
      // Only a duplicate key is final; anything else (a database restarting, a busy lock) retries the batch.
      if (!writeErrors?.length || writeErrors.some((e) => (e.code ?? e.err?.code) !== 11000)) throw err;
      const duplicates = writeErrors.flatMap((e) => {
        const index = e.index ?? e.err?.index;
        const order = index === undefined ? undefined : orders[index];
        return order ? [{ order, message: e.errmsg ?? e.err?.errmsg ?? '' }] : [];
      });
      // Same _id: written by an earlier attempt of this batch (the message does not always name the index, so
      // ask the database). Otherwise the same buyer and key under another _id: a replay Redis forgot.
      const written = new Set(
        (
          await OrderModel.collection
            .find({ _id: { $in: duplicates.map((d) => new Types.ObjectId(d.order._id)) } }, { projection: { _id: 1 } })
            .toArray()
        ).map((d) => String(d._id)),
      );
      for (const { order, message } of duplicates) {
        if (written.has(order._id)) continue;
        refused.add(order._id);
        await releaseStock(this.redis, this.prefix, {
          productId: order.productId,
          buyerUserId: order.buyerUserId,
          key: order.idempotencyKey,
          orderId: order._id,
          quantity: order.quantity,
          amountFen: order.amountFen,
          sessionId: order.sessionId,
        });
        log.error({ orderId: order._id, message }, 'order refused by the database; its stock was released');
      }
    }
    return refused;
  }

  /** Resolves once the queue has been seen empty (tests and shutdown). */
  drained(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push({ after: this.passes, resolve }));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    // Finish what is queued, but never hang shutdown: anything left stays queued for the next start.
    await Promise.race([this.drained(), new Promise((r) => setTimeout(r, 10_000))]);
    this.running = false;
    await this.loop;
    if (this.heartbeat) clearInterval(this.heartbeat);
    // Its processing list is empty once the loop ended after a written batch; a failed one stays for reclaim.
    if (!(await this.redis.exists(this.processingKey))) await this.redis.srem(this.registryKey, this.id);
    await this.redis.del(this.aliveKey(this.id));
  }
}
