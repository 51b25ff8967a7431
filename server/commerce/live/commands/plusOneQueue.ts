import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import { sessionParties } from '../../../live/sessions/sessionReads.ts';
import { loadOrder } from '../../checkout/orderRecord.ts';
import { plusOneQueueKey } from '../plusOneQueueKey.ts';
import { assertCanSeePlusOnes } from '../policies/liveSellingAccess.ts';
import { presentPlusOne } from '../presenters/plusOne.ts';

export type PlusOneQueueCommand = { sessionId: string };

/** The host's queue of "+1" reservations, newest first, with their current status (the host, bureau and auditor). */
export async function plusOneQueue(ctx: HubContext, actor: AuthUser, command: PlusOneQueueCommand) {
  const { sessionId } = command;
  const session = await sessionParties(sessionId);
  if (!session) throw notFound('Session');
  assertCanSeePlusOnes(actor, session);
  const raw = await ctx.redis.lrange(plusOneQueueKey(ctx.config.REDIS_PREFIX, sessionId), 0, 99);
  const items = [];
  for (const r of raw) {
    const { orderId, at } = JSON.parse(r) as { orderId: string; at: string };
    const order = await loadOrder(ctx, orderId);
    if (order) items.push(presentPlusOne({ orderId, at }, order));
  }
  return { items };
}
