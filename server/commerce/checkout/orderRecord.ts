import { OrderModel } from '../orders/order.model.ts';
import { unsavedOrdersKey } from '../orders/stockLedger.ts';
import type { QueuedOrder } from '../orders/orderPersister.ts';
import { readState, readStates, STOCK_RELEASED, type HistoryEntry, type OrderState, type OrderStatus } from './orderState.ts';
import type { StoredDelivery } from './checkoutFields.ts';
import type { PaymentMethod } from './paymentProviders.ts';
import type { RedisContext } from '../commerceContext.ts';

/** An order as placed, with its current state (Redis state machine if it moved since, else what is stored). */
export interface OrderRecord {
  id: string;
  productId: string;
  enterpriseId: string;
  buyerUserId: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
  sessionId: string | null;
  idempotencyKey: string;
  createdAt: string;
  delivery: StoredDelivery | null;
  payment: { method: PaymentMethod } | null;
  pickupCode: string | null;
  trackingCode: string | null;
  expiresAt: string | null;
  /** Reserved by a chat "+1"; delivery and payment come at checkout. */
  plusOne: boolean;
  state: OrderState;
}

type Raw = Omit<QueuedOrder, 'status'> & {
  status: string;
  plusOne?: boolean;
  stateVersion?: number;
  history?: HistoryEntry[] | null;
  facts?: Record<string, unknown> | null;
};

function storedState(o: Raw): OrderState {
  const status = o.status as OrderStatus;
  return {
    status,
    version: o.stateVersion ?? 0,
    held: STOCK_RELEASED.includes(status) ? 0 : o.quantity,
    history: o.history?.length ? o.history : [{ status: 'placed', at: o.createdAt, by: o.buyerUserId }],
    facts: o.facts ?? {},
  };
}

function toRecord(o: Raw, redisState: OrderState | null): OrderRecord {
  const stored = storedState(o);
  const state = redisState && redisState.version >= stored.version ? redisState : stored;
  // A "+1" reservation gets its delivery and payment at checkout, as facts of that transition.
  const f = state.facts as { delivery?: StoredDelivery; payment?: { method: PaymentMethod }; pickupCode?: string };
  return {
    id: String(o._id),
    productId: String(o.productId),
    enterpriseId: String(o.enterpriseId),
    buyerUserId: String(o.buyerUserId),
    quantity: o.quantity,
    unitPriceFen: o.unitPriceFen,
    amountFen: o.amountFen,
    sessionId: o.sessionId ? String(o.sessionId) : null,
    idempotencyKey: o.idempotencyKey,
    createdAt: o.createdAt,
    delivery: (o.delivery as StoredDelivery | undefined) ?? f.delivery ?? null,
    payment: (o.payment as { method: PaymentMethod } | undefined) ?? f.payment ?? null,
    pickupCode: o.pickupCode ?? f.pickupCode ?? null,
    trackingCode: o.trackingCode ?? null,
    expiresAt:
      (state.facts.expiresAt as string | null | undefined) !== undefined ? (state.facts.expiresAt as string | null) : (o.expiresAt ?? null),
    plusOne: o.plusOne === true,
    // A stored state newer than Redis's cannot happen (the database follows Redis), so Redis wins when present.
    state,
  };
}

function fromDocument(doc: Record<string, unknown>): Raw {
  const d = doc as unknown as Raw & { createdAt: Date | string; expiresAt?: Date | string | null };
  return {
    ...d,
    createdAt: (d.createdAt as unknown) instanceof Date ? (d.createdAt as unknown as Date).toISOString() : String(d.createdAt),
    expiresAt: d.expiresAt ? new Date(d.expiresAt).toISOString() : null,
  };
}

export async function loadOrder(ctx: RedisContext, orderId: string): Promise<OrderRecord | null> {
  const [queued, state] = await Promise.all([ctx.redis.hget(unsavedOrdersKey(ctx.config.REDIS_PREFIX), orderId), readState(ctx, orderId)]);
  if (queued) return toRecord(JSON.parse(queued) as Raw, state);
  const doc = await OrderModel.findById(orderId).lean();
  return doc ? toRecord(fromDocument(doc as Record<string, unknown>), state) : null;
}

/** Stored orders (a database query's result) with their current states. */
export async function withStates(ctx: RedisContext, docs: Record<string, unknown>[]): Promise<OrderRecord[]> {
  const states = await readStates(
    ctx,
    docs.map((d) => String(d._id)),
  );
  return docs.map((d, i) => toRecord(fromDocument(d), states[i] ?? null));
}
