import type { AuthUser } from '../../../platform/auth/roles.ts';
import { READ_ALL_ROLES } from '../../../platform/auth/roles.ts';
import { badRequest, forbidden, notFound } from '../../../platform/errors.ts';
import type { OrderRecord } from '../../checkout/orderRecord.ts';

/**
 * Who may do what to which order. Routes check the role (RouteTable `access`); commands check the record here:
 * the buyer owns it, the enterprise sells it, a station is its destination, bureau and auditor read.
 */
type OwnedOrder = Pick<OrderRecord, 'buyerUserId' | 'enterpriseId' | 'delivery'>;

/** Who may read an order: its buyer, its seller, the destination station, bureau and auditor. */
export function mayReadOrder(actor: AuthUser, order: OwnedOrder): boolean {
  if (order.buyerUserId === actor.id || READ_ALL_ROLES.includes(actor.role)) return true;
  if (actor.role !== 'enterprise' || !actor.orgId) return false;
  return actor.orgId === order.enterpriseId || (order.delivery?.mode === 'station' && order.delivery.stationOrgId === actor.orgId);
}

/** GET /orders/:id: a buyer learns nothing about other people's orders, not even that they exist (404); others get 403. */
export function assertCanReadOrder(actor: AuthUser, order: OwnedOrder | null): asserts order is OwnedOrder {
  if (!order) throw notFound('Order');
  if (mayReadOrder(actor, order)) return;
  if (actor.role === 'buyer') throw notFound('Order');
  throw forbidden('This order belongs to another buyer');
}

/** Changes: an order the actor may not read is 404 for everyone (the system, `null`, sees every order). */
export function assertCanSeeOrder<O extends OwnedOrder>(actor: AuthUser | null, order: O | null): asserts order is O {
  if (!order || (actor && !mayReadOrder(actor, order))) throw notFound('Order');
}

export function assertIsBuyer(actor: AuthUser, order: OwnedOrder, message = 'Only the buyer of this order may do this'): void {
  if (order.buyerUserId !== actor.id) throw forbidden(message);
}

export function isSeller(actor: AuthUser, order: Pick<OrderRecord, 'enterpriseId'>): boolean {
  return actor.role === 'enterprise' && actor.orgId === order.enterpriseId;
}

export function assertIsSeller(actor: AuthUser, order: Pick<OrderRecord, 'enterpriseId'>): void {
  if (!isSeller(actor, order)) throw forbidden('Only the selling enterprise may do this');
}

/** A station delivery's destination station (a courier order has none: 400). */
export function assertIsDestinationStation(actor: AuthUser, order: OwnedOrder): void {
  if (order.delivery?.mode !== 'station')
    throw badRequest('This order is delivered by courier, not through a station', { field: 'delivery' });
  if (actor.role !== 'enterprise' || actor.orgId !== order.delivery.stationOrgId)
    throw forbidden('Only the destination station may do this');
}

/** The orders a list may show: a buyer its own, an enterprise its sales, a station the parcels routed to it, bureau/auditor all. */
export function orderListScope(actor: AuthUser, filter: { mine?: boolean; station?: boolean }): Record<string, unknown> {
  if (filter.mine || actor.role === 'buyer') return { buyerUserId: actor.id };
  if (filter.station) {
    if (actor.role !== 'enterprise' || !actor.orgId) throw forbidden('Only station users list the parcels routed to their station');
    return { 'delivery.stationOrgId': actor.orgId };
  }
  if (actor.role === 'enterprise') return { enterpriseId: actor.orgId };
  if (!READ_ALL_ROLES.includes(actor.role)) return { buyerUserId: actor.id };
  return {};
}
