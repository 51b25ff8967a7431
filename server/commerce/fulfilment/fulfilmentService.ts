import { z } from 'zod';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { badRequest, forbidden, HttpError } from '../../platform/errors.ts';
import { applyTransition } from '../checkout/orderTransitions.ts';
import { paymentProviders } from '../checkout/paymentProviders.ts';
import { loadOrder, mayRead, type OrderRecord } from '../checkout/orderRecord.ts';
import { checkPickupCode } from './pickupCodeGuard.ts';

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

export const PickupBody = z.object({ pickupCode: z.string().regex(/^\d{6}$/, 'must be the 6-digit pick-up code') }).strict();

const seller = (order: OrderRecord, actor: AuthUser) => {
  if (actor.role !== 'enterprise' || actor.orgId !== order.enterpriseId) throw forbidden('Only the selling enterprise may do this');
};
const destinationStation = (order: OrderRecord, actor: AuthUser) => {
  if (order.delivery?.mode !== 'station')
    throw badRequest('This order is delivered by courier, not through a station', { field: 'delivery' });
  if (actor.role !== 'enterprise' || actor.orgId !== order.delivery.stationOrgId)
    throw forbidden('Only the destination station may do this');
};

/** The seller ships: by carrier with a waybill, or handed to the county logistics centre for a station (共同配送). */
export function shipOrder(ctx: HubContext, actor: AuthUser, orderId: string, body: z.infer<typeof ShipBody>) {
  return applyTransition(ctx, actor, orderId, {
    // Paid first, except cash on delivery (collected at hand-over); orders placed without checkout ship as before.
    from: ['placed', 'paid'],
    to: 'shipped',
    check: (order) => {
      seller(order, actor);
      const method = order.payment?.method;
      if (order.state.status === 'placed' && method && paymentProviders[method].payBeforeShipping) {
        throw new HttpError(409, 'not_paid', 'This order is paid by bank transfer: confirm the payment before shipping', {
          status: 'placed',
        });
      }
      if ('viaStation' in body && order.delivery?.mode !== 'station') {
        throw badRequest('Invalid field "viaStation": this order goes to the buyer\'s door; ship it with a carrier and waybill', {
          field: 'viaStation',
        });
      }
      return {
        shippedAt: new Date().toISOString(),
        ...('viaStation' in body ? { viaStation: true } : { carrier: body.carrier, waybillNo: body.waybillNo }),
      };
    },
  });
}

/** The destination station confirms the parcel arrived; the buyer is told to come with the pick-up code. */
export function confirmArrival(ctx: HubContext, actor: AuthUser, orderId: string) {
  return applyTransition(ctx, actor, orderId, {
    from: ['shipped'],
    to: 'arrived',
    check: (order) => {
      destinationStation(order, actor);
      return { arrivedAt: new Date().toISOString(), arrivedStationOrgId: actor.orgId };
    },
  });
}

/**
 * The station hands the parcel over against the buyer's code, collecting cash on delivery. Wrong codes are
 * limited per order (pickupCodeGuard.ts); only the destination station's guesses at an arrived parcel count.
 */
export async function confirmPickup(ctx: HubContext, actor: AuthUser, orderId: string, pickupCode: string) {
  const order = await loadOrder(ctx.redis, ctx.config.REDIS_PREFIX, orderId);
  if (order && mayRead(order, actor) && order.state.status === 'arrived') {
    destinationStation(order, actor);
    await checkPickupCode(ctx.redis, ctx.config.REDIS_PREFIX, orderId, pickupCode, order.pickupCode, {
      maxWrong: ctx.config.HUB_PICKUP_MAX_WRONG_CODES,
      lockSeconds: ctx.config.HUB_PICKUP_LOCK_SECONDS,
    });
  }
  return applyTransition(ctx, actor, orderId, {
    from: ['arrived'],
    to: 'delivered',
    check: (order) => {
      destinationStation(order, actor);
      if (order.pickupCode !== pickupCode)
        throw new HttpError(400, 'pickup_code_wrong', 'Invalid field "pickupCode": it is not this order\'s code', { field: 'pickupCode' });
      return { deliveredAt: new Date().toISOString(), pickedUp: true, ...handOverPayment(order, actor) };
    },
  });
}

/** The seller records a courier delivery at the door (with cash collected for cash on delivery). */
export function confirmDelivery(ctx: HubContext, actor: AuthUser, orderId: string) {
  return applyTransition(ctx, actor, orderId, {
    from: ['shipped'],
    to: 'delivered',
    check: (order) => {
      seller(order, actor);
      if (order.delivery?.mode === 'station')
        throw badRequest('This order is picked up at a station: the station confirms it', { field: 'delivery' });
      return { deliveredAt: new Date().toISOString(), ...handOverPayment(order, actor) };
    },
  });
}

function handOverPayment(order: OrderRecord, actor: AuthUser) {
  if (order.payment?.method !== 'cod') return {};
  return paymentProviders.cod.confirm(
    { id: order.id, enterpriseId: order.enterpriseId, amountFen: order.amountFen, status: order.state.status },
    actor,
    {},
  );
}
