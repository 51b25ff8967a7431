import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { conflict } from '../../../platform/errors.ts';
import { hubEvents } from '../../../platform/events.ts';
import { publishLive } from '../../bus.ts';
import { markSessionStatus, pinnedKey } from '../liveState.ts';
import { assertIsSessionHost } from '../policies/sessionAccess.ts';
import { presentSession } from '../presenters/session.ts';
import { loadSession, saveSessionAudited, sessionTotals } from './sessionRecord.ts';

export type EndSessionCommand = { sessionId: string };

/** Ends the session: totals and the viewer peak are written to the session, and every process closes its media room. */
export async function endSession(ctx: HubContext, actor: AuthUser, command: EndSessionCommand) {
  const id = command.sessionId;
  const session = await loadSession(id);
  assertIsSessionHost(actor, session);
  if (session.status !== 'live')
    throw conflict(`Session ${id} is ${session.status}; only a live session can end`, { status: session.status }, 'wrong_state');
  const before = presentSession(session.toObject());
  const at = new Date();
  const prefix = ctx.config.REDIS_PREFIX;
  // Mark ended in Redis first: the order script checks it atomically, so the totals taken next are final.
  await markSessionStatus(ctx.redis, prefix, id, 'ended');
  const totals = await sessionTotals(ctx, id);
  const peak = Number((await ctx.redis.get(`${prefix}:live:peak:${id}`)) ?? 0);
  session.set({
    status: 'ended',
    endedAt: at,
    orderCount: totals.orders,
    quantitySold: totals.quantity,
    gmvFen: totals.amountFen,
    peakViewers: Math.max(session.peakViewers ?? 0, peak),
    pinnedProductId: null,
  });
  await saveSessionAudited(ctx, session, { actor, action: 'session.end', before, after: presentSession(session.toObject()) });
  await ctx.redis.del(pinnedKey(prefix, id));
  const after = presentSession(session.toObject());
  await publishLive(ctx.redis, prefix, { type: 'status', sessionId: id, status: 'ended' });
  hubEvents.emit('session.ended', { sessionId: id, at });
  return after;
}
