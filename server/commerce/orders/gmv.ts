import { ORDER_STATUSES, STOCK_RELEASED, type OrderStatus } from '../checkout/orderState.ts';

/**
 * GMV (成交额), defined once for the whole hub: the value of every accepted order that has not been
 * cancelled, expired unpaid or refunded — the sale still stands, whether it is awaiting payment, paid, on
 * its way, delivered or in a refund request not yet granted. The big screen's live counters add an order
 * when it is placed and take it out again when it reaches one of the reversing statuses; the overview
 * rebuild and the bureau's reports sum the orders in a GMV status. "Paid GMV" (money actually received)
 * is a different figure: see the session analytics (commerce/live/sessionAnalytics.ts).
 */
export const GMV_REVERSING_STATUSES: readonly OrderStatus[] = STOCK_RELEASED;

/** The statuses whose orders count in GMV. */
export const GMV_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter((s) => !GMV_REVERSING_STATUSES.includes(s));

/** Whether an order in this status counts in GMV (orders stored before checkout existed have no status: placed). */
export function countsAsGmv(status: string | null | undefined): boolean {
  return !(GMV_REVERSING_STATUSES as readonly string[]).includes(status ?? 'placed');
}

/** Whether moving into this status takes the order out of GMV (it is then final: it never comes back). */
export function reversesGmv(to: OrderStatus): boolean {
  return GMV_REVERSING_STATUSES.includes(to);
}

/** The database filter of GMV orders (served by the orders' {status, createdAt} index). */
export function gmvStatusFilter(): { status: { $in: OrderStatus[] } } {
  return { status: { $in: [...GMV_STATUSES] } };
}
