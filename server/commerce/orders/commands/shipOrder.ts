import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { badRequest, HttpError } from '../../../platform/errors.ts';
import { applyTransition } from '../../checkout/orderTransitions.ts';
import { paymentProviders } from '../../checkout/paymentProviders.ts';
import { assertIsSeller } from '../policies/orderAccess.ts';

export const ShipBody = z
  .union(
    [
      z
        .object({
          carrier: z.string().trim().min(2, 'must be at least 2 characters').max(32, 'must be at most 32 characters'),
          waybillNo: z
            .string()
            .trim()
            .regex(/^[A-Za-z0-9-]{6,32}$/, 'must be 6–32 letters, digits or -'),
        })
        .strict(),
      z.object({ viaStation: z.literal(true) }).strict(),
    ],
    { errorMap: () => ({ message: 'must be {carrier, waybillNo} or {viaStation: true}' }) },
  )
  .openapi('Ship');

export type ShipOrderCommand = z.infer<typeof ShipBody> & { orderId: string };

/** The seller ships: by carrier with a waybill, or handed to the county logistics centre for a station (共同配送). */
export function shipOrder(ctx: HubContext, actor: AuthUser, command: ShipOrderCommand) {
  return applyTransition(ctx, actor, command.orderId, {
    // Paid first, except cash on delivery (collected at hand-over); orders placed without checkout ship as before.
    from: ['placed', 'paid'],
    to: 'shipped',
    check: (order) => {
      assertIsSeller(actor, order);
      const method = order.payment?.method;
      if (order.state.status === 'placed' && method && paymentProviders[method].payBeforeShipping) {
        throw new HttpError(409, 'not_paid', 'This order is paid by bank transfer: confirm the payment before shipping', {
          status: 'placed',
        });
      }
      if ('viaStation' in command && order.delivery?.mode !== 'station') {
        throw badRequest('Invalid field "viaStation": this order goes to the buyer\'s door; ship it with a carrier and waybill', {
          field: 'viaStation',
        });
      }
      return {
        shippedAt: new Date().toISOString(),
        ...('viaStation' in command ? { viaStation: true } : { carrier: command.carrier, waybillNo: command.waybillNo }),
      };
    },
  });
}
