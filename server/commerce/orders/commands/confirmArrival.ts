import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { assertIsDestinationStation } from '../policies/orderAccess.ts';

export type ConfirmArrivalCommand = { orderId: string };

/** The destination station confirms the parcel arrived; the buyer is told to come with the pick-up code. */
export function confirmArrival(ctx: HubContext, actor: AuthUser, command: ConfirmArrivalCommand) {
  return applyTransition(ctx, actor, command.orderId, {
    from: ['shipped'],
    to: 'arrived',
    check: (order) => {
      assertIsDestinationStation(actor, order);
      return { arrivedAt: new Date().toISOString(), arrivedStationOrgId: actor.orgId };
    },
  });
}
