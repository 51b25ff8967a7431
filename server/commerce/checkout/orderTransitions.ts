import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { conflict } from '../../platform/errors.ts';
import { publishLive } from '../../live/bus.ts';
import { componentLogger } from '../../platform/logger.ts';
import { loadOrder, type OrderRecord } from './orderRecord.ts';
import { assertCanSeeOrder } from '../orders/policies/orderAccess.ts';
import { presentOrder } from '../orders/presenters/order.ts';
import { transition, type OrderStatus } from './orderState.ts';

const log = componentLogger('order-states');

export interface TransitionSpec {
  from: readonly OrderStatus[];
  to: OrderStatus;
  /** Throws 403/400 when this actor may not, or the input is wrong; returns facts to store. */
  check: (order: OrderRecord) => Record<string, unknown> | void;
  note?: string;
  /** Expiries: the deadline token enforced (see orderState.ts). */
  deadline?: string;
  /** Decided on the order as read: any transition in between makes this one wrong_state (see orderState.ts). */
  expectVersion?: number;
  /** A named event (audit `order.<event>`, its own notification) when the status alone does not say what happened. */
  event?: keyof typeof EVENT_TEXT;
}

/** zh-CN and en lines for events the status does not name; `{note}` is the transition's note. */
const EVENT_TEXT = {
  refund_rejected: ['商家未同意退款：{note}', 'The seller declined the refund: {note}'],
} as const;

/** zh-CN and en lines for the buyer's in-app notification of each status. */
const STATUS_TEXT: Record<OrderStatus, [string, string]> = {
  placed: ['订单已提交', 'Order placed'],
  paid: ['已确认收款', 'Payment confirmed'],
  shipped: ['商家已发货', 'Shipped'],
  arrived: ['包裹已到站，请凭取件码取件', 'Arrived at the station: pick it up with your code'],
  delivered: ['已签收', 'Delivered'],
  completed: ['订单已完成', 'Completed'],
  cancelled: ['订单已取消', 'Cancelled'],
  expired: ['订单超时未付款，已关闭', 'Expired unpaid'],
  refund_requested: ['已申请退款', 'Refund requested'],
  refunded: ['已退款', 'Refunded'],
};

export async function notifyBuyer(
  ctx: HubContext,
  order: OrderRecord,
  status: OrderStatus,
  event?: { name: keyof typeof EVENT_TEXT; note: string },
): Promise<void> {
  const [zh, en] = event
    ? (EVENT_TEXT[event.name].map((line) => line.replace('{note}', event.note)) as [string, string])
    : STATUS_TEXT[status];
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, {
    type: 'notify',
    userId: order.buyerUserId,
    notification: {
      kind: 'order.status',
      orderId: order.id,
      status,
      ...(event ? { event: event.name } : {}),
      message: zh,
      messageEn: en,
      at: new Date().toISOString(),
    },
  }).catch((err: unknown) => log.warn({ orderId: order.id, err: String(err) }, 'buyer notification not published'));
}

/**
 * Moves an order through one transition: the caller must be allowed to see it (else 404, so a buyer learns
 * nothing of others' orders) and pass the spec's check; the Redis script then decides against the current
 * status, so of two racing transitions exactly one happens (the other gets 409 wrong_state).
 */
export async function applyTransition(ctx: HubContext, actor: AuthUser | null, orderId: string, spec: TransitionSpec) {
  const order = await loadOrder(ctx, orderId);
  assertCanSeeOrder(actor, order);
  if (!spec.from.includes(order.state.status)) throw wrongState(order.state.status, spec.to);
  const facts = spec.check(order) ?? {};
  const result = await transition(ctx, actor, {
    orderId,
    productId: order.productId,
    from: spec.from,
    to: spec.to,
    note: spec.note,
    facts,
    initial: order.state,
    deadline: spec.deadline,
    expectVersion: spec.expectVersion,
    event: spec.event,
  });
  if (!result.ok && result.staleDeadline)
    throw conflict('A newer deadline applies to this order', { status: result.status }, 'stale_deadline');
  if (!result.ok) throw wrongState(result.status, spec.to);
  const after = await loadOrder(ctx, orderId);
  await notifyBuyer(ctx, order, spec.to, spec.event ? { name: spec.event, note: spec.note ?? '' } : undefined);
  return presentOrder(after ?? order, actor);
}

const wrongState = (status: OrderStatus, to: OrderStatus) =>
  conflict(`The order is ${status}: it cannot become ${to}`, { status, to }, 'wrong_state');
