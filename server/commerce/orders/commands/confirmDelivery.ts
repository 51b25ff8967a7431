import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { badRequest } from '../../../platform/errors.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { assertIsSeller } from '../policies/orderAccess.ts';
import { handOverPayment } from './orderPayment.ts';

export type ConfirmDeliveryCommand = { orderId: string };

/** The seller records a courier delivery at the door (with cash collected for cash on delivery). */
export function confirmDelivery(ctx: HubContext, actor: AuthUser, command: ConfirmDeliveryCommand) {
  return applyTransition(ctx, actor, command.orderId, {
    from: ['shipped'],
    to: 'delivered',
    check: (order) => {
      assertIsSeller(actor, order);
      if (order.delivery?.mode === 'station')
        throw badRequest('This order is picked up at a station: the station confirms it', { field: 'delivery' });
      return { deliveredAt: new Date().toISOString(), ...handOverPayment(order, actor) };
    },
  });
}
