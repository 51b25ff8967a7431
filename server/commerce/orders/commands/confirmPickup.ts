import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { HttpError } from '../../../platform/errors.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { loadOrder } from '../../checkout/orderRecord.ts';
import { checkPickupCode } from '../../fulfilment/pickupCodeGuard.ts';
import { assertIsDestinationStation, mayReadOrder } from '../policies/orderAccess.ts';
import { handOverPayment } from './orderPayment.ts';

export const PickupBody = z.object({ pickupCode: z.string().regex(/^\d{6}$/, 'must be the 6-digit pick-up code') }).strict();

export type ConfirmPickupCommand = z.infer<typeof PickupBody> & { orderId: string };

/**
 * The station hands the parcel over against the buyer's code, collecting cash on delivery. Wrong codes are
 * limited per order (pickupCodeGuard.ts); only the destination station's guesses at an arrived parcel count.
 */
export async function confirmPickup(ctx: HubContext, actor: AuthUser, command: ConfirmPickupCommand) {
  const { orderId, pickupCode } = command;
  const order = await loadOrder(ctx, orderId);
  if (order && mayReadOrder(actor, order) && order.state.status === 'arrived') {
    assertIsDestinationStation(actor, order);
    await checkPickupCode(ctx.redis, ctx.config.REDIS_PREFIX, orderId, pickupCode, order.pickupCode, {
      maxWrong: ctx.config.HUB_PICKUP_MAX_WRONG_CODES,
      lockSeconds: ctx.config.HUB_PICKUP_LOCK_SECONDS,
    });
  }
  return applyTransition(ctx, actor, orderId, {
    from: ['arrived'],
    to: 'delivered',
    check: (order) => {
      assertIsDestinationStation(actor, order);
      if (order.pickupCode !== pickupCode)
        throw new HttpError(400, 'pickup_code_wrong', 'Invalid field "pickupCode": it is not this order\'s code', { field: 'pickupCode' });
      return { deliveredAt: new Date().toISOString(), pickedUp: true, ...handOverPayment(order, actor) };
    },
  });
}
