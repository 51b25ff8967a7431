import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { objectId } from '../../platform/http/schemas.ts';
import { DeliveryAddress } from '../buyers/address.ts';
import { orgExists, orgPlace } from '../../registry/orgs/orgReads.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { PAYMENT_METHODS, type PaymentMethod } from './paymentProviders.ts';

/** `delivery` of POST /orders: courier to an address in the county, or pick-up at a station organisation. */
export const DeliveryInput = z
  .discriminatedUnion(
    'mode',
    [
      z.object({ mode: z.literal('courier'), address: DeliveryAddress }).strict(),
      z.object({ mode: z.literal('station'), stationOrgId: objectId('stationOrgId') }).strict(),
    ],
    { errorMap: () => ({ message: 'must be {mode: "courier", address} or {mode: "station", stationOrgId}' }) },
  )
  .openapi('DeliveryChoice');
export type DeliveryInput = z.infer<typeof DeliveryInput>;

export const PaymentInput = z.enum(PAYMENT_METHODS, {
  errorMap: () => ({ message: 'must be "cod" (cash on delivery) or "transfer" (bank transfer)' }),
});

/** What the order stores about its delivery (a station delivery carries the station's name and township for tracking). */
export type StoredDelivery =
  | { mode: 'courier'; address: z.infer<typeof DeliveryAddress> }
  | { mode: 'station'; stationOrgId: string; stationName: string; stationTownship: string | null };

export interface CheckoutFields {
  delivery: StoredDelivery;
  payment: { method: PaymentMethod };
  /** Six digits the buyer shows at the station (station delivery only). */
  pickupCode: string | null;
  /** Secret part of the public tracking link. */
  trackingCode: string;
  /** When an unpaid order lapses (payment methods that are paid before shipping). */
  expiresAt: string | null;
}

export function checkoutFingerprint(c: CheckoutFields): string {
  // A "+1" reservation has neither yet (its key is never reused anyway).
  if (!c.delivery) return 'reservation';
  return JSON.stringify([c.delivery.mode === 'station' ? c.delivery.stationOrgId : c.delivery.address, c.payment.method]);
}

const stationCache = new Map<string, { at: number; station: { name: string; township: string | null } | null }>();

async function stationOrg(id: string) {
  const hit = stationCache.get(id);
  if (hit && Date.now() - hit.at < 60_000) return hit.station;
  const org = await orgPlace(id);
  const station = org && org.type === 'station' ? { name: org.name, township: org.township ?? null } : null;
  if (stationCache.size > 5000) stationCache.clear();
  stationCache.set(id, { at: Date.now(), station });
  return station;
}

/** Checks the delivery choice (a station must be a `station` organisation) and makes the codes of a new order. */
export async function prepareCheckout(
  delivery: DeliveryInput,
  method: PaymentMethod,
  paymentTimeoutSeconds: number,
  payBeforeShipping: boolean,
  now = Date.now(),
): Promise<CheckoutFields> {
  let stored: StoredDelivery;
  if (delivery.mode === 'station') {
    const station = await stationOrg(delivery.stationOrgId);
    if (station === null) {
      if (!(await orgExists(delivery.stationOrgId))) throw notFound('Station');
      throw badRequest('Invalid field "delivery.stationOrgId": not a station organisation', { field: 'delivery.stationOrgId' });
    }
    stored = { mode: 'station', stationOrgId: delivery.stationOrgId, stationName: station.name, stationTownship: station.township };
  } else {
    stored = { mode: 'courier', address: delivery.address };
  }
  return {
    delivery: stored,
    payment: { method },
    pickupCode: delivery.mode === 'station' ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null,
    trackingCode: randomBytes(9).toString('base64url'),
    expiresAt: payBeforeShipping ? new Date(now + paymentTimeoutSeconds * 1000).toISOString() : null,
  };
}
