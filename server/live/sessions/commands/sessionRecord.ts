import type { AuditEntry } from '../../../platform/audit/auditLog.ts';
import { recordChange, withPendingAudit } from '../../../platform/audit/outbox.ts';
import type { HubContext } from '../../../platform/context.ts';
import { notFound } from '../../../platform/errors.ts';
import { sessionSalesTotals, sumSessionOrders } from '../../../commerce/commerceReads.ts';
import { sessionSalesKey } from '../../../commerce/orders/stockLedger.ts';
import { publishLive, type HostNotification } from '../../bus.ts';
import { LiveSessionModel, type LiveSessionDocument } from '../session.model.ts';
import type { PresentedSession } from '../presenters/session.ts';

/** What the commands share: loading a session, its audited save, telling its host, its sales totals. */

export async function loadSession(id: string): Promise<LiveSessionDocument> {
  const session = await LiveSessionModel.findById(id);
  if (!session) throw notFound('Session');
  return session;
}

/** Saves the session with the audit event of its change in the same write (the audit outbox). */
export async function saveSessionAudited(
  ctx: HubContext,
  session: LiveSessionDocument,
  audit: Omit<AuditEntry, 'source' | 'at' | 'target'>,
): Promise<void> {
  const id = String(session._id);
  await recordChange(ctx, { model: LiveSessionModel, id, audit: { ...audit, target: { type: 'session', id } } }, async (entry) => {
    withPendingAudit(session, entry);
    await session.save();
  });
}

/** An in-app notification to a host, relayed by whichever web process holds its sockets. */
export async function notifyHost(
  ctx: HubContext,
  hostUserId: string,
  kind: HostNotification['kind'],
  s: PresentedSession,
  message: string,
): Promise<void> {
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, {
    type: 'notify',
    userId: hostUserId,
    notification: { kind, sessionId: s.id, title: s.title, startsAt: s.startsAt, endsAt: s.endsAt, message, at: new Date().toISOString() },
  });
}

/**
 * The session's sales totals: Redis holds them exactly as orders are accepted (the database copy of orders is
 * written behind); the orders in the database are summed when Redis no longer has them.
 */
export async function sessionTotals(ctx: HubContext, id: string) {
  if (await ctx.redis.exists(sessionSalesKey(ctx.config.REDIS_PREFIX, id))) return sessionSalesTotals(ctx, id);
  return sumSessionOrders(id);
}

/** Keeps the highest viewer count seen (unaudited: a figure, not a change anyone made). */
export async function raisePeakViewers(sessionId: string, peak: number): Promise<void> {
  await LiveSessionModel.updateOne({ _id: sessionId, peakViewers: { $lt: peak } }, { $set: { peakViewers: peak } });
}
