import { z } from 'zod';
import { badRequest, forbidden } from '../../platform/errors.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import type { OrderStatus } from './orderState.ts';

export const PAYMENT_METHODS = ['cod', 'transfer'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** The order facts a provider decides on. */
export interface PayableOrder {
  id: string;
  enterpriseId: string;
  amountFen: number;
  status: OrderStatus;
}

/**
 * One way of paying for an order. The hub's state machine (orderState.ts) applies what a provider returns,
 * so a provider never writes an order itself. An online provider (WeChat Pay, Alipay) implements the same
 * interface: `confirm` takes its verified notify body; `refund` its refund request (see docs/commerce.md).
 */
export interface PaymentProvider {
  method: PaymentMethod;
  /** Must the order be paid before it ships (and expire unpaid)? */
  payBeforeShipping: boolean;
  /** Checks who confirms the payment and with what; returns the facts stored on the order. */
  confirm(order: PayableOrder, actor: AuthUser, input: unknown): Record<string, unknown>;
  /** What a refund of this order needs from the seller (facts stored with `refunded`). */
  refund(order: PayableOrder, actor: AuthUser, input: unknown): Record<string, unknown>;
}

const TransferConfirmation = z
  .object({
    reference: z
      .string()
      .trim()
      .min(4, 'must be at least 4 characters')
      .max(64, 'must be at most 64 characters')
      .regex(/^[\x21-\x7e\u4e00-\u9fa5 ]+$/u, 'letters, digits and punctuation only'),
  })
  .strict();

function parse<T extends z.ZodTypeAny>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.') || 'body';
    throw badRequest(`Invalid field "${field}": ${issue.message}`, { field });
  }
  return r.data;
}

const sellerOnly = (order: PayableOrder, actor: AuthUser) => {
  if (actor.role !== 'enterprise' || actor.orgId !== order.enterpriseId) throw forbidden('Only the selling enterprise confirms this');
};

/** 对公转账: the buyer transfers to the enterprise's account; the enterprise confirms receipt with the bank's reference. */
export const bankTransfer: PaymentProvider = {
  method: 'transfer',
  payBeforeShipping: true,
  confirm(order, actor, input) {
    sellerOnly(order, actor);
    const { reference } = parse(TransferConfirmation, input);
    return { paymentRef: reference, paidAt: new Date().toISOString(), paidFen: order.amountFen, paymentConfirmedBy: actor.id };
  },
  refund(order, actor, input) {
    sellerOnly(order, actor);
    const { reference } = parse(TransferConfirmation, input);
    return { refundRef: reference, refundedFen: order.amountFen, refundedAt: new Date().toISOString() };
  },
};

/** 货到付款: paid in cash when the station (pick-up) or the courier (delivery) hands the goods over. */
export const cashOnDelivery: PaymentProvider = {
  method: 'cod',
  payBeforeShipping: false,
  confirm(order, actor) {
    // Whoever hands over the parcel collects: the checks of who that may be are in orders/policies/orderAccess.ts.
    return { paidAt: new Date().toISOString(), paidFen: order.amountFen, codCollectedBy: actor.id };
  },
  refund(order, actor) {
    sellerOnly(order, actor);
    return { refundedFen: order.status === 'refund_requested' ? order.amountFen : 0, refundedAt: new Date().toISOString() };
  },
};

export const paymentProviders: Record<PaymentMethod, PaymentProvider> = { transfer: bankTransfer, cod: cashOnDelivery };
