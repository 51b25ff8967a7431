import type { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import { assertMayChange, type AuthUser } from '../../../platform/auth/roles.ts';
import { checkoutFor } from '../../checkout/checkoutPlacement.ts';
import { getOrder } from './getOrder.ts';
import { type PlaceOrderBody, placeOrder } from './placeOrder.ts';

export type CheckoutOrderCommand = z.infer<typeof PlaceOrderBody> & { idempotencyKey: string };

/**
 * POST /orders: prepares delivery and payment (checkoutFor), places the order, and answers a checkout order
 * as GET /orders/:id does (payment status, history, pick-up code); an order without checkout as placed.
 */
export async function checkoutOrder(ctx: HubContext, actor: AuthUser, command: CheckoutOrderCommand) {
  assertMayChange(actor);
  const { delivery, payment, ...sold } = command;
  const checkout = await checkoutFor(ctx, actor, delivery, payment);
  const { order, replayed } = await placeOrder(ctx, actor, { ...sold, ...checkout });
  return { order: checkout.checkout ? await getOrder(ctx, actor, { orderId: order.id }) : order, replayed };
}
