import type mongoose from 'mongoose';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { decodeDateCursor, encodeDateCursor } from '../../../platform/http/keyset.ts';
import { OrderModel } from '../order.model.ts';
import { withStates } from '../../checkout/orderRecord.ts';
import type { OrderStatus } from '../../checkout/orderState.ts';
import { orderListScope } from '../policies/orderAccess.ts';
import { presentOrder } from '../presenters/order.ts';

export interface ListOrdersCommand {
  sessionId?: string;
  /** Only the orders the caller bought. */
  mine?: boolean;
  /** A station user: the parcels routed to its station. */
  station?: boolean;
  status?: OrderStatus;
  cursor?: string;
  limit?: number;
}

/** Orders the caller may list: a buyer its own, an enterprise its sales, a station the parcels routed to it, bureau/auditor all. */
export async function listOrders(ctx: HubContext, actor: AuthUser, command: ListOrdersCommand) {
  const query: Record<string, unknown> = orderListScope(actor, command);
  if (command.sessionId) query.sessionId = command.sessionId;
  // Keyset paging, newest first, on (createdAt, _id): each filter above has an index ending in those keys.
  if (command.cursor) {
    const after = decodeOrderCursor(command.cursor);
    query.createdAt = { $lte: after.createdAt };
    query.$or = [{ createdAt: { $lt: after.createdAt } }, { _id: { $lt: after.id } }];
  }
  const limit = command.limit ?? 200;
  const docs = await OrderModel.find(query)
    .sort({ createdAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean();
  const page = docs.slice(0, limit);
  const records = await withStates(ctx, page as Record<string, unknown>[]);
  // The status filter applies to the current state (Redis may be ahead of the stored copy by a few ms).
  return {
    items: records.filter((r) => !command.status || r.state.status === command.status).map((r) => presentOrder(r, actor)),
    nextCursor: docs.length > limit ? encodeOrderCursor(page.at(-1)! as { createdAt: Date; _id: unknown }) : null,
  };
}

/** Keyset cursor of the order lists: the last order's (createdAt, _id), opaque to clients. */
function encodeOrderCursor(o: { createdAt: Date; _id: unknown }): string {
  return encodeDateCursor(o.createdAt, o._id);
}

function decodeOrderCursor(cursor: string): { createdAt: Date; id: mongoose.Types.ObjectId } {
  const { at, id } = decodeDateCursor(cursor);
  return { createdAt: at, id };
}
