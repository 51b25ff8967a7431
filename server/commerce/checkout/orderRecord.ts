import type { Redis } from 'ioredis';
import { OrderModel } from '../orders/order.model.ts';
import { unsavedOrdersKey } from '../orders/stockLedger.ts';
import type { QueuedOrder } from '../orders/orderPersister.ts';
import { readState, readStates, STOCK_RELEASED, type HistoryEntry, type OrderState, type OrderStatus } from './orderState.ts';
import type { StoredDelivery } from './checkoutFields.ts';
import type { PaymentMethod } from './paymentProviders.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { READ_ALL_ROLES } from '../../platform/auth/roles.ts';

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

export async function loadOrder(redis: Redis, prefix: string, orderId: string): Promise<OrderRecord | null> {
  const [queued, state] = await Promise.all([redis.hget(unsavedOrdersKey(prefix), orderId), readState(redis, prefix, orderId)]);
  if (queued) return toRecord(JSON.parse(queued) as Raw, state);
  const doc = await OrderModel.findById(orderId).lean();
  return doc ? toRecord(fromDocument(doc as Record<string, unknown>), state) : null;
}

/** Stored orders (a database query's result) with their current states. */
export async function withStates(redis: Redis, prefix: string, docs: Record<string, unknown>[]): Promise<OrderRecord[]> {
  const states = await readStates(
    redis,
    prefix,
    docs.map((d) => String(d._id)),
  );
  return docs.map((d, i) => toRecord(fromDocument(d), states[i] ?? null));
}

/** Who may read an order: its buyer, its seller, the destination station, bureau and auditor. */
export function mayRead(order: OrderRecord, actor: AuthUser): boolean {
  if (order.buyerUserId === actor.id || READ_ALL_ROLES.includes(actor.role)) return true;
  if (actor.role !== 'enterprise' || !actor.orgId) return false;
  return actor.orgId === order.enterpriseId || (order.delivery?.mode === 'station' && order.delivery.stationOrgId === actor.orgId);
}

/** Payment status derived from the facts the providers stored. */
function paymentView(order: OrderRecord) {
  if (!order.payment) return null;
  const f = order.state.facts;
  const status = f.refundedAt
    ? 'refunded'
    : f.paidAt
      ? order.payment.method === 'cod'
        ? 'collected'
        : 'paid'
      : ['expired', 'cancelled'].includes(order.state.status)
        ? 'void'
        : order.payment.method === 'cod'
          ? 'due'
          : 'unpaid';
  return {
    method: order.payment.method,
    status,
    reference: (f.paymentRef as string | undefined) ?? null,
    paidAt: (f.paidAt as string | undefined) ?? null,
    paidFen: (f.paidFen as number | undefined) ?? 0,
    refundedFen: (f.refundedFen as number | undefined) ?? 0,
  };
}

/** The response shape of GET /orders/:id; the pick-up code only for the buyer. */
export function orderView(order: OrderRecord, actor: AuthUser | null) {
  const f = order.state.facts;
  return {
    id: order.id,
    productId: order.productId,
    enterpriseId: order.enterpriseId,
    buyerUserId: order.buyerUserId,
    quantity: order.quantity,
    unitPriceFen: order.unitPriceFen,
    amountFen: order.amountFen,
    sessionId: order.sessionId,
    idempotencyKey: order.idempotencyKey,
    createdAt: order.createdAt,
    status: order.state.status,
    delivery: order.delivery,
    payment: paymentView(order),
    shipment: f.shippedAt
      ? {
          carrier: (f.carrier as string | undefined) ?? null,
          waybillNo: (f.waybillNo as string | undefined) ?? null,
          viaStation: f.viaStation === true,
          shippedAt: f.shippedAt as string,
        }
      : null,
    history: order.state.history,
    expiresAt: order.state.status === 'placed' ? order.expiresAt : null,
    awaitingCheckout: order.delivery === null && order.state.status === 'placed' && order.plusOne ? true : undefined,
    pickupCode: actor && actor.id === order.buyerUserId ? order.pickupCode : undefined,
    trackingCode: actor && actor.id === order.buyerUserId ? order.trackingCode : undefined,
  };
}
export type OrderView = ReturnType<typeof orderView>;
