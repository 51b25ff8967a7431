import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { assertIsBuyer } from '../policies/orderAccess.ts';

export type CompleteOrderCommand = { orderId: string };

/** The buyer confirms receipt: delivered → completed. */
export function completeOrder(ctx: HubContext, actor: AuthUser, command: CompleteOrderCommand) {
  return applyTransition(ctx, actor, command.orderId, {
    from: ['delivered'],
    to: 'completed',
    check: (order) => {
      assertIsBuyer(actor, order);
      return { completedAt: new Date().toISOString() };
    },
  });
}
