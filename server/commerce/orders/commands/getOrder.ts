import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { loadOrder } from '../../checkout/orderRecord.ts';
import { assertCanReadOrder } from '../policies/orderAccess.ts';
import { presentOrder } from '../presenters/order.ts';

export type GetOrderCommand = { orderId: string };

/** One order as its buyer, its seller, its station, bureau or auditor sees it. */
export async function getOrder(ctx: HubContext, actor: AuthUser, command: GetOrderCommand) {
  const order = await loadOrder(ctx, command.orderId);
  assertCanReadOrder(actor, order);
  return presentOrder(order, actor);
}
