import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { badRequest, conflict, notFound } from '../../../platform/errors.ts';
import { objectId } from '../../../platform/http/schemas.ts';
import { publishLive, type PinnedProduct } from '../../bus.ts';
import { pinnedKey } from '../liveState.ts';
import { sessionShelf } from '../sessionReads.ts';
import { assertIsSessionHost } from '../policies/sessionAccess.ts';
import { loadSession, saveSessionAudited } from './sessionRecord.ts';

export const PinProductBody = z
  .object({ productId: objectId('productId').nullable() })
  .strict()
  .openapi('PinProduct');
export type PinProductCommand = { sessionId: string; productId: string | null };

/** The host pins one product of the shelf (or unpins with null); every viewer's product card follows. */
export async function pinProduct(ctx: HubContext, actor: AuthUser, command: PinProductCommand) {
  const { sessionId: id, productId } = command;
  const session = await loadSession(id);
  assertIsSessionHost(actor, session);
  if (session.status !== 'live' && session.status !== 'scheduled') {
    throw conflict(
      `Session ${id} is ${session.status}; products can be pinned before or during it`,
      { status: session.status },
      'wrong_state',
    );
  }
  let product: PinnedProduct | null = null;
  if (productId) {
    if (!session.productIds.some((p) => String(p) === productId)) {
      throw badRequest(`Invalid field "productId": product ${productId} is not on this session's shelf`);
    }
    [product] = await sessionShelf(ctx, [productId]);
    if (!product) throw notFound('Product');
  }
  const before = session.pinnedProductId ? String(session.pinnedProductId) : null;
  session.set({ pinnedProductId: productId });
  await saveSessionAudited(ctx, session, {
    actor,
    action: productId ? 'session.pin' : 'session.unpin',
    before: { pinnedProductId: before },
    after: { pinnedProductId: productId },
  });
  const key = pinnedKey(ctx.config.REDIS_PREFIX, id);
  if (product) await ctx.redis.set(key, JSON.stringify(product), 'EX', 2 * 24 * 3600);
  else await ctx.redis.del(key);
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, { type: 'pin', sessionId: id, product });
  return { sessionId: id, pinnedProductId: productId, product };
}
