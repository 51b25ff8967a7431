import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import { sessionHost } from '../../../live/sessions/sessionReads.ts';
import { endFlashSale, flashKey, flashSaleView } from '../flashSaleStore.ts';
import { assertCanStopFlashSale } from '../policies/liveSellingAccess.ts';

export type StopFlashSaleCommand = { sessionId: string };

/** The host ends the sale early; unsold units return to stock. */
export async function stopFlashSale(ctx: HubContext, actor: AuthUser, command: StopFlashSaleCommand) {
  const { sessionId } = command;
  const session = await sessionHost(sessionId);
  if (!session) throw notFound('Session');
  assertCanStopFlashSale(actor, session);
  const h = await ctx.redis.hgetall(flashKey(ctx.config.REDIS_PREFIX, sessionId));
  if (h.id) await endFlashSale(ctx, sessionId, h.id);
  return flashSaleView(ctx, sessionId);
}
