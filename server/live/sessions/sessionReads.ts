import type { HubContext } from '../../platform/context.ts';
import { productsWithStock } from '../../commerce/commerceReads.ts';
import type { PinnedProduct } from '../bus.ts';
import { pinnedKey } from './liveState.ts';
import { LiveSessionModel } from './session.model.ts';
import { StudioModel } from '../studios/studio.model.ts';

/**
 * What other components (commerce, openness) read about sessions instead of the session model and keys: each
 * function answers one question with only the fields it needs (lean, projected), and every filter is one a
 * declared index serves (test/store/queryIndexes.test.ts). Writes to sessions stay in commands/.
 */

/** The shelf: the session's featured products with live stock. */
export async function sessionShelf(ctx: HubContext, productIds: string[]): Promise<PinnedProduct[]> {
  return productsWithStock(ctx, productIds);
}

/** The product the host shows now, as pinned (null when none is). */
export async function pinnedProduct(ctx: HubContext, sessionId: string): Promise<PinnedProduct | null> {
  const raw = await ctx.redis.get(pinnedKey(ctx.config.REDIS_PREFIX, sessionId));
  if (raw) return JSON.parse(raw) as PinnedProduct;
  return null;
}

/** The status a per-order path reads: Redis (in the order's own Lua step), the database on a miss. */
export { liveStatusKey, sessionStatus } from './liveState.ts';

/** The session's booked host (null for an unknown session): for host-only actions outside live's commands. */
export async function sessionHost(sessionId: string) {
  return LiveSessionModel.findById(sessionId, { hostUserId: 1 }).lean();
}

/** The host and the status: who may run a flash sale, and whether the session is live. */
export async function sessionHostAndStatus(sessionId: string) {
  return LiveSessionModel.findById(sessionId, { hostUserId: 1, status: 1 }).lean();
}

/** The host and the owning association: who may read the session's order queues and figures. */
export async function sessionParties(sessionId: string) {
  return LiveSessionModel.findById(sessionId, { hostUserId: 1, associationId: 1 }).lean();
}

/** What the analytics page shows beside its figures, with who may read them. */
export async function sessionForFigures(sessionId: string) {
  return LiveSessionModel.findById(sessionId, { hostUserId: 1, associationId: 1, peakViewers: 1, title: 1 }).lean();
}

/** Status and end: whether a viewer may still ask for a reminder, and until when to keep it. */
export async function sessionStatusAndEnd(sessionId: string) {
  return LiveSessionModel.findById(sessionId, { status: 1, endsAt: 1 }).lean();
}

/** The session's title, or null for an unknown session. */
export async function sessionTitle(sessionId: string): Promise<string | null> {
  return (await LiveSessionModel.findById(sessionId, { title: 1 }).lean())?.title ?? null;
}

/** Ids of the sessions live now (index `status`). */
export async function liveSessionIds(): Promise<string[]> {
  return (await LiveSessionModel.find({ status: 'live' }, { _id: 1 }).lean()).map((s) => String(s._id));
}

/**
 * The public schedule's sessions: overlapping [from, to), not cancelled, earliest first, at most 500, with
 * nothing private (no host account, no creator).
 */
export async function publicScheduleSessions(from: Date, to: Date) {
  return LiveSessionModel.find(
    { startsAt: { $lt: to }, endsAt: { $gt: from }, status: { $in: ['scheduled', 'live', 'ended'] } },
    { title: 1, startsAt: 1, endsAt: 1, status: 1, studioId: 1, associationId: 1, productIds: 1 },
  )
    .sort({ startsAt: 1 })
    .limit(500)
    .lean();
}

/** Sessions that went live (live or ended) scheduled to start in [from, to): the reports' sessions held. */
export async function sessionsHeldScheduledBetween(from: Date, to: Date) {
  return LiveSessionModel.find(
    { status: { $in: ['live', 'ended'] }, startsAt: { $gte: from, $lt: to } },
    { startsAt: 1, startedAt: 1, associationId: 1, title: 1, peakViewers: 1 },
  ).lean();
}

/** Title, times and status of these sessions (a batch's trace: where it was sold). */
export async function sessionHeadlines(sessionIds: unknown[]) {
  if (!sessionIds.length) return [];
  return LiveSessionModel.find({ _id: { $in: sessionIds } }, { title: 1, startsAt: 1, endsAt: 1, status: 1 }).lean();
}

/** Names of these studios (the public schedule names where a session is held). */
export async function studioNames(studioIds: string[]) {
  return StudioModel.find({ _id: { $in: studioIds } }, { name: 1 }).lean();
}
