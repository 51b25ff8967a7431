import type { AuthUser } from '../../../platform/auth/roles.ts';
import { badRequest } from '../../../platform/errors.ts';
import { paymentProviders } from '../../checkout/paymentProviders.ts';
import type { OrderRecord } from '../../checkout/orderRecord.ts';

/** What the payment commands share: the order as a provider sees it, the payment it must have, cash at hand-over. */
export const payable = (order: OrderRecord) => ({
  id: order.id,
  enterpriseId: order.enterpriseId,
  amountFen: order.amountFen,
  status: order.state.status,
});

export const needsCheckout = (order: OrderRecord) => {
  if (!order.payment)
    throw badRequest('This order was placed without delivery and payment; it has no payment to confirm', { field: 'payment' });
  return order.payment;
};

/** Cash on delivery is collected when the parcel is handed over (pick-up or courier delivery). */
export function handOverPayment(order: OrderRecord, actor: AuthUser) {
  if (order.payment?.method !== 'cod') return {};
  return paymentProviders.cod.confirm(payable(order), actor, {});
}
