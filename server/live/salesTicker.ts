import type { Namespace } from 'socket.io';
import type { HubContext } from '../platform/context.ts';
import { hubEvents } from '../platform/events.ts';
import { componentLogger } from '../platform/logger.ts';
import { sessionSalesKey, stockKey } from '../commerce/orders/stockLedger.ts';
import { hostRoom, sessionRoom } from './liveSocket.ts';

const log = componentLogger('live-signalling');

/**
 * The host's sales ticker and the viewers' stock: a busy session sells many times a second, so what its orders
 * changed goes out at most every 200 ms, from the process that took them (the Redis adapter carries it to every process).
 */
export class SalesTicker {
  private readonly pending = new Map<string, { products: Set<string>; timer: NodeJS.Timeout }>();
  private off: (() => void) | null = null;

  constructor(
    private readonly ctx: HubContext,
    private readonly nsp: Namespace,
  ) {}

  start(): void {
    this.off = hubEvents.on('order.placed', (order) => {
      if (!order.sessionId) return;
      const pending = this.pending.get(order.sessionId);
      if (pending) {
        pending.products.add(order.productId);
        return;
      }
      const sessionId = order.sessionId;
      const timer = setTimeout(() => void this.flush(sessionId).catch((err) => log.warn({ err: String(err) }, 'sales push failed')), 200);
      this.pending.set(sessionId, { products: new Set([order.productId]), timer });
    });
  }

  stop(): void {
    this.off?.();
    for (const { timer } of this.pending.values()) clearTimeout(timer);
  }

  /** One read of the session's totals and stock left, one `sales` event to the host, one `product:stock` per product sold. */
  private async flush(sessionId: string): Promise<void> {
    const pending = this.pending.get(sessionId);
    this.pending.delete(sessionId);
    if (!pending) return;
    const prefix = this.ctx.config.REDIS_PREFIX;
    const products = [...pending.products];
    const multi = this.ctx.redis.multi().hgetall(sessionSalesKey(prefix, sessionId));
    for (const productId of products) multi.get(stockKey(prefix, productId));
    const [[, sales], ...stocks] = (await multi.exec()) as [[null, Record<string, string>], ...[null, string | null][]];
    this.nsp.to(hostRoom(sessionId)).emit('sales', {
      sessionId,
      orders: Number(sales.orders ?? 0),
      quantity: Number(sales.quantity ?? 0),
      amountFen: Number(sales.amountFen ?? 0),
    });
    products.forEach((productId, i) => {
      this.nsp.to(sessionRoom(sessionId)).emit('product:stock', { sessionId, productId, stock: Number(stocks[i]?.[1] ?? 0) });
    });
  }
}
