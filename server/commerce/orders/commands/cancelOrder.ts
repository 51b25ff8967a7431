import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { assertIsBuyer, assertIsSeller } from '../policies/orderAccess.ts';

export type CancelOrderCommand = { orderId: string };

/** The buyer (before payment) or the seller (before shipping) cancels; the stock comes back. */
export function cancelOrder(ctx: HubContext, actor: AuthUser, command: CancelOrderCommand) {
  return applyTransition(ctx, actor, command.orderId, {
    from: actor.role === 'enterprise' ? ['placed', 'paid'] : ['placed'],
    to: 'cancelled',
    check: (order) => {
      if (actor.role === 'enterprise') assertIsSeller(actor, order);
      else assertIsBuyer(actor, order);
      return { cancelledAt: new Date().toISOString() };
    },
  });
}
