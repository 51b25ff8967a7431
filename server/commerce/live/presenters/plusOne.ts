import { z } from 'zod';
import { ORDER_STATUSES } from '../../checkout/orderState.ts';
import type { OrderRecord } from '../../checkout/orderRecord.ts';

/** The host's "+1" queue (GET /sessions/:id/plus-ones). */
export const PlusOnesResponse = z.object({
  items: z.array(
    z.object({
      orderId: z.string(),
      at: z.string(),
      status: z.enum(ORDER_STATUSES),
      checkedOut: z.boolean(),
      buyerTail: z.string(),
      productId: z.string(),
    }),
  ),
});

/** One reservation of the queue; the buyer's name is not shown to the host here. */
export function presentPlusOne(entry: { orderId: string; at: string }, order: OrderRecord) {
  return {
    orderId: entry.orderId,
    at: entry.at,
    status: order.state.status,
    checkedOut: order.delivery !== null,
    buyerTail: '',
    productId: order.productId,
  };
}
