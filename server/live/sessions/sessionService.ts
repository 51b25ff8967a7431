import { Types, type HydratedDocument } from 'mongoose';
import { LiveSessionModel, type LiveSession, type SessionStatus } from './session.model.ts';
import { requireStudio } from '../studios/studioService.ts';
import { UserModel } from '../../registry/users/user.model.ts';
import { OrgModel } from '../../registry/orgs/org.model.ts';
import { sumSessionOrders } from '../../commerce/orders/orderService.ts';
import { ProductModel } from '../../commerce/products/product.model.ts';
import { requireProducts } from '../../commerce/products/productService.ts';
import { sessionSalesKey, sessionSalesTotals, stockKey } from '../../commerce/orders/stockLedger.ts';
import type { Redis } from 'ioredis';
import { withRedisLocks } from '../../platform/redisLock.ts';
import { publishLive, type HostNotification, type PinnedProduct } from '../bus.ts';
import { cancelReminder, scheduleReminder } from './reminders.ts';
import { markSessionStatus, pinnedKey } from './liveState.ts';
import { notifySubscribers } from '../../commerce/live/viewerReminders.ts';
import type { AuditEntry } from '../../platform/audit/auditLog.ts';
import { recordChange, withPendingAudit } from '../../platform/audit/outbox.ts';
import { HttpError, badRequest, conflict, forbidden, notFound, withParams } from '../../platform/errors.ts';
import { hubEvents } from '../../platform/events.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import type { HubContext } from '../../platform/context.ts';

type SessionRecord = LiveSession & { _id: unknown; createdAt?: Date; updatedAt?: Date };

export function sessionDto(s: SessionRecord) {
  return {
    id: String(s._id),
    studioId: String(s.studioId),
    baseId: String(s.baseId),
    associationId: String(s.associationId),
    hostUserId: String(s.hostUserId),
    title: s.title,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    productIds: (s.productIds ?? []).map(String),
    status: s.status as SessionStatus,
    pinnedProductId: s.pinnedProductId ? String(s.pinnedProductId) : null,
    startedAt: s.startedAt ? s.startedAt.toISOString() : null,
    endedAt: s.endedAt ? s.endedAt.toISOString() : null,
    cancelledAt: s.cancelledAt ? s.cancelledAt.toISOString() : null,
    peakViewers: s.peakViewers ?? 0,
    orderCount: s.orderCount ?? 0,
    quantitySold: s.quantitySold ?? 0,
    gmvFen: s.gmvFen ?? 0,
    createdAt: s.createdAt?.toISOString?.() ?? null,
  };
}
export type SessionDto = ReturnType<typeof sessionDto>;

const MAX_SESSION_MS = 24 * 3600 * 1000;
const BOOKED: SessionStatus[] = ['scheduled', 'live'];

export interface ScheduleCommand {
  studioId: string;
  hostUserId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  productIds?: string[];
}

function checkInterval(startsAt: Date, endsAt: Date): void {
  if (endsAt.getTime() <= startsAt.getTime()) throw badRequest('Invalid field "endsAt": must be after startsAt');
  if (endsAt.getTime() - startsAt.getTime() > MAX_SESSION_MS) throw badRequest('Invalid field "endsAt": a session lasts at most 24 hours');
  if (endsAt.getTime() <= Date.now()) throw badRequest('Invalid field "endsAt": must be in the future');
}

async function requireHost(hostUserId: string, actor: AuthUser) {
  const host = await UserModel.findById(hostUserId, { role: 1, active: 1, username: 1, orgId: 1 }).lean();
  if (!host || !host.active) throw badRequest(`Invalid field "hostUserId": no active user ${hostUserId}`);
  if (host.role !== 'host') throw badRequest(`Invalid field "hostUserId": ${host.username} is a ${host.role}, not a host`);
  // A host of another association is theirs to book (hosts of enterprises and unaffiliated hosts may be booked).
  if (host.orgId && String(host.orgId) !== actor.orgId) {
    const org = await OrgModel.findById(host.orgId, { type: 1 }).lean();
    if (org?.type === 'association') throw forbidden(`Host ${host.username} belongs to another association`);
  }
  return host;
}

async function requireOwnSession(actor: AuthUser, id: string) {
  const session = await LiveSessionModel.findById(id);
  if (!session) throw notFound('Session');
  if (actor.role === 'association' && String(session.associationId) !== actor.orgId)
    throw forbidden('This session belongs to another association');
  return session;
}

/** A booked session of the same studio or host overlapping [startsAt, endsAt); back-to-back is not an overlap. */
async function findOverlap(c: { studioId: string; hostUserId: string; startsAt: Date; endsAt: Date }, exceptId?: string) {
  return LiveSessionModel.findOne({
    ...(exceptId ? { _id: { $ne: new Types.ObjectId(exceptId) } } : {}),
    status: { $in: BOOKED },
    startsAt: { $lt: c.endsAt },
    endsAt: { $gt: c.startsAt },
    $or: [{ studioId: new Types.ObjectId(c.studioId) }, { hostUserId: new Types.ObjectId(c.hostUserId) }],
  }).lean();
}

function overlapConflict(c: { studioId: string }, other: SessionRecord) {
  const what = String(other.studioId) === c.studioId ? 'studio' : 'host';
  return withParams(
    conflict(
      `The ${what} is already booked from ${other.startsAt.toISOString()} to ${other.endsAt.toISOString()} (“${other.title}”)`,
      { conflictingSessionId: String(other._id), resource: what },
      'double_booked',
    ),
    { startsAt: other.startsAt.toISOString(), endsAt: other.endsAt.toISOString(), title: other.title },
  );
}

/** Locks for every studio and host whose bookings a change touches, so check-then-write is atomic across processes. */
const bookingLocks = (prefix: string, c: { studioId: string; hostUserId: string }) => [
  `${prefix}:lock:studio:${c.studioId}`,
  `${prefix}:lock:host:${c.hostUserId}`,
];

async function notifyHost(ctx: HubContext, hostUserId: string, kind: HostNotification['kind'], s: SessionDto, message: string) {
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, {
    type: 'notify',
    userId: hostUserId,
    notification: { kind, sessionId: s.id, title: s.title, startsAt: s.startsAt, endsAt: s.endsAt, message, at: new Date().toISOString() },
  });
}

/** Bookings of a studio or a host are serialised across processes; a lock held too long is a 503 to retry. */
const withBookingLocks = <T>(redis: Redis, names: string[], work: () => Promise<T>) =>
  withRedisLocks(redis, names, work, {
    ttlMs: 10_000,
    waitMs: 8_000,
    retry: { firstMs: 5, maxMs: 100, jitter: true },
    busy: () =>
      new HttpError(503, 'service_unavailable', 'The schedule is busy with other bookings; try again in a moment', undefined, {
        'Retry-After': '1',
      }),
  });

export async function scheduleSession(ctx: HubContext, actor: AuthUser, c: ScheduleCommand): Promise<SessionDto> {
  checkInterval(c.startsAt, c.endsAt);
  const studio = await requireStudio(c.studioId);
  if (String(studio.associationId) !== actor.orgId) throw forbidden('This studio belongs to another association');
  await requireHost(c.hostUserId, actor);
  const productIds = [...new Set(c.productIds ?? [])];
  await requireProducts(productIds);

  const dto = await withBookingLocks(ctx.redis, bookingLocks(ctx.config.REDIS_PREFIX, c), async () => {
    const other = await findOverlap(c);
    if (other) throw overlapConflict(c, other);
    const session = new LiveSessionModel({
      studioId: c.studioId,
      baseId: studio.baseId,
      associationId: studio.associationId,
      hostUserId: c.hostUserId,
      title: c.title,
      startsAt: c.startsAt,
      endsAt: c.endsAt,
      productIds,
      createdBy: actor.id,
      createdAt: new Date(),
    });
    const scheduled = sessionDto(session.toObject());
    await saveSessionAudited(ctx, session, {
      actor,
      action: 'session.schedule',
      target: { type: 'session', id: scheduled.id },
      after: scheduled,
    });
    return scheduled;
  });
  await markSessionStatus(ctx.redis, ctx.config.REDIS_PREFIX, dto.id, 'scheduled');
  await scheduleReminder(ctx, { id: dto.id, hostUserId: dto.hostUserId, startsAt: c.startsAt });
  await notifyHost(ctx, dto.hostUserId, 'session.assigned', dto, `You host “${dto.title}” from ${dto.startsAt}`);
  hubEvents.emit('session.scheduled', { sessionId: dto.id, hostUserId: dto.hostUserId, startsAt: c.startsAt });
  return dto;
}

export interface MoveCommand {
  studioId?: string;
  hostUserId?: string;
  title?: string;
  startsAt?: Date;
  endsAt?: Date;
  productIds?: string[];
}

/** Moves or edits a scheduled session; the host (old and new, if it changed) is told. */
export async function updateSession(ctx: HubContext, actor: AuthUser, id: string, patch: MoveCommand): Promise<SessionDto> {
  const current = await requireOwnSession(actor, id);
  if (current.status !== 'scheduled')
    throw conflict(
      `Session ${id} is ${current.status}; only a scheduled session can be changed`,
      { status: current.status },
      'wrong_state',
    );
  const next = {
    studioId: patch.studioId ?? String(current.studioId),
    hostUserId: patch.hostUserId ?? String(current.hostUserId),
    startsAt: patch.startsAt ?? current.startsAt,
    endsAt: patch.endsAt ?? current.endsAt,
  };
  checkInterval(next.startsAt, next.endsAt);
  const studio = patch.studioId ? await requireStudio(patch.studioId) : null;
  if (studio && String(studio.associationId) !== actor.orgId) throw forbidden('This studio belongs to another association');
  if (patch.hostUserId) await requireHost(patch.hostUserId, actor);
  if (patch.productIds) await requireProducts([...new Set(patch.productIds)]);
  const before = sessionDto(current.toObject());

  const after = await withBookingLocks(ctx.redis, bookingLocks(ctx.config.REDIS_PREFIX, next), async () => {
    const other = await findOverlap(next, id);
    if (other) throw overlapConflict(next, other);
    const fresh = await LiveSessionModel.findById(id);
    if (!fresh || fresh.status !== 'scheduled')
      throw conflict(`Session ${id} changed state meanwhile; reload it`, undefined, 'wrong_state');
    fresh.set({
      studioId: next.studioId,
      baseId: studio?.baseId ?? fresh.baseId,
      hostUserId: next.hostUserId,
      startsAt: next.startsAt,
      endsAt: next.endsAt,
      ...(patch.title ? { title: patch.title } : {}),
      ...(patch.productIds ? { productIds: [...new Set(patch.productIds)] } : {}),
    });
    const changed = sessionDto(fresh.toObject());
    await saveSessionAudited(ctx, fresh, { actor, action: 'session.update', target: { type: 'session', id }, before, after: changed });
    return changed;
  });
  if (before.startsAt !== after.startsAt || before.hostUserId !== after.hostUserId) {
    await cancelReminder(ctx, id, new Date(before.startsAt));
    await scheduleReminder(ctx, { id, hostUserId: after.hostUserId, startsAt: new Date(after.startsAt) });
  }
  const moved = before.startsAt !== after.startsAt || before.endsAt !== after.endsAt || before.studioId !== after.studioId;
  if (before.hostUserId !== after.hostUserId) {
    await notifyHost(ctx, before.hostUserId, 'session.unassigned', after, `“${after.title}” was given to another host`);
    await notifyHost(ctx, after.hostUserId, 'session.assigned', after, `You host “${after.title}” from ${after.startsAt}`);
  } else if (moved) {
    await notifyHost(ctx, after.hostUserId, 'session.moved', after, `“${after.title}” moved to ${after.startsAt} – ${after.endsAt}`);
  }
  return after;
}

export async function cancelSession(ctx: HubContext, actor: AuthUser, id: string, reason: string | undefined): Promise<SessionDto> {
  const session = await requireOwnSession(actor, id);
  if (session.status !== 'scheduled')
    throw conflict(
      `Session ${id} is ${session.status}; only a scheduled session can be cancelled`,
      { status: session.status },
      'wrong_state',
    );
  const before = sessionDto(session.toObject());
  session.set({ status: 'cancelled', cancelledAt: new Date(), cancelReason: reason ?? null });
  const after = sessionDto(session.toObject());
  await saveSessionAudited(ctx, session, { actor, action: 'session.cancel', target: { type: 'session', id }, before, after });
  await markSessionStatus(ctx.redis, ctx.config.REDIS_PREFIX, id, 'cancelled');
  await cancelReminder(ctx, id, session.startsAt);
  await notifyHost(ctx, after.hostUserId, 'session.cancelled', after, `“${after.title}” was cancelled${reason ? `: ${reason}` : ''}`);
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, { type: 'status', sessionId: id, status: 'cancelled' });
  return after;
}

async function requireHostedSession(actor: AuthUser, id: string) {
  const session = await LiveSessionModel.findById(id);
  if (!session) throw notFound('Session');
  if (String(session.hostUserId) !== actor.id) throw forbidden('Only the host of this session may do this');
  return session;
}

/** The host goes live. Starting a session that is already live is a no-op, so a host that reconnects resumes it. */
export async function startSession(ctx: HubContext, actor: AuthUser, id: string): Promise<SessionDto> {
  const session = await requireHostedSession(actor, id);
  if (session.status === 'live') return sessionDto(session.toObject());
  if (session.status !== 'scheduled')
    throw conflict(`Session ${id} is ${session.status}; it cannot go live`, { status: session.status }, 'wrong_state');
  const before = sessionDto(session.toObject());
  const at = new Date();
  session.set({ status: 'live', startedAt: at });
  await saveSessionAudited(ctx, session, {
    actor,
    action: 'session.start',
    target: { type: 'session', id },
    before,
    after: sessionDto(session.toObject()),
  });
  const after = sessionDto(session.toObject());
  await markSessionStatus(ctx.redis, ctx.config.REDIS_PREFIX, id, 'live');
  await cancelReminder(ctx, id, session.startsAt);
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, { type: 'status', sessionId: id, status: 'live' });
  // Viewers who asked for a reminder (预约, server/commerce/live/viewerReminders.ts) hear it is live.
  await notifySubscribers(ctx, { id, title: session.title, startsAt: session.startsAt, endsAt: session.endsAt });
  hubEvents.emit('session.started', { sessionId: id, at });
  return after;
}

/** Ends the session: totals and the viewer peak are written to the session, and every process closes its media room. */
export async function endSession(ctx: HubContext, actor: AuthUser, id: string): Promise<SessionDto> {
  const session = await requireHostedSession(actor, id);
  if (session.status !== 'live')
    throw conflict(`Session ${id} is ${session.status}; only a live session can end`, { status: session.status }, 'wrong_state');
  const before = sessionDto(session.toObject());
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
  await saveSessionAudited(ctx, session, {
    actor,
    action: 'session.end',
    target: { type: 'session', id },
    before,
    after: sessionDto(session.toObject()),
  });
  await ctx.redis.del(pinnedKey(prefix, id));
  const after = sessionDto(session.toObject());
  await publishLive(ctx.redis, prefix, { type: 'status', sessionId: id, status: 'ended' });
  hubEvents.emit('session.ended', { sessionId: id, at });
  return after;
}

export async function getSession(actor: AuthUser, id: string): Promise<SessionDto> {
  const session = await LiveSessionModel.findById(id).lean();
  if (!session) throw notFound('Session');
  if (actor.role === 'association' && String(session.associationId) !== actor.orgId)
    throw forbidden('This session belongs to another association');
  return sessionDto(session);
}

export interface SessionFilter {
  from?: Date;
  to?: Date;
  studioId?: string;
  hostUserId?: string;
  status?: SessionStatus;
}

/** Sessions overlapping [from, to); an association sees its own, a host its own, others all. */
export async function listSessions(actor: AuthUser, f: SessionFilter) {
  const query: Record<string, unknown> = {};
  if (f.from) query.endsAt = { $gt: f.from };
  if (f.to) query.startsAt = { $lt: f.to };
  if (f.studioId) query.studioId = f.studioId;
  if (f.hostUserId) query.hostUserId = f.hostUserId;
  if (f.status) query.status = f.status;
  if (actor.role === 'association') query.associationId = actor.orgId;
  if (actor.role === 'host' && !f.status) query.hostUserId = actor.id;
  const sessions = await LiveSessionModel.find(query).sort({ startsAt: 1 }).limit(1000).lean();
  return { items: sessions.map(sessionDto) };
}

/** Sales attributed to the session, counted from the orders themselves (kept after it ends). */
/**
 * The session's totals: Redis holds them exactly as orders are accepted (the database copy of orders is
 * written behind); the database is summed when Redis no longer has them.
 */
async function sessionTotals(ctx: HubContext, id: string) {
  const key = sessionSalesKey(ctx.config.REDIS_PREFIX, id);
  if (await ctx.redis.exists(key)) return sessionSalesTotals(ctx.redis, ctx.config.REDIS_PREFIX, id);
  return sumSessionOrders(id);
}

export async function sessionSales(ctx: HubContext, actor: AuthUser, id: string) {
  const session = await LiveSessionModel.findById(id, { associationId: 1 }).lean();
  if (!session) throw notFound('Session');
  if (actor.role === 'association' && String(session.associationId) !== actor.orgId)
    throw forbidden('This session belongs to another association');
  return { sessionId: id, ...(await sessionTotals(ctx, id)) };
}

/** The shelf: the session's featured products with live stock. */
export async function sessionShelf(ctx: HubContext, productIds: string[]): Promise<PinnedProduct[]> {
  if (!productIds.length) return [];
  const products = await ProductModel.find({ _id: { $in: productIds } }).lean();
  const stocks = await ctx.redis.mget(productIds.map((p) => stockKey(ctx.config.REDIS_PREFIX, p)));
  return productIds.flatMap((pid, i) => {
    const p = products.find((x) => String(x._id) === pid);
    return p
      ? [{ id: pid, name: p.name, category: p.category, priceFen: p.priceFen, stock: stocks[i] === null ? p.stock : Number(stocks[i]) }]
      : [];
  });
}

export async function pinnedProduct(ctx: HubContext, sessionId: string): Promise<PinnedProduct | null> {
  const raw = await ctx.redis.get(pinnedKey(ctx.config.REDIS_PREFIX, sessionId));
  if (raw) return JSON.parse(raw) as PinnedProduct;
  return null;
}

/** The host pins one product of the shelf (or unpins with null); every viewer's product card follows. */
export async function pinProduct(ctx: HubContext, actor: AuthUser, id: string, productId: string | null) {
  const session = await requireHostedSession(actor, id);
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
    target: { type: 'session', id },
    before: { pinnedProductId: before },
    after: { pinnedProductId: productId },
  });
  const key = pinnedKey(ctx.config.REDIS_PREFIX, id);
  if (product) await ctx.redis.set(key, JSON.stringify(product), 'EX', 2 * 24 * 3600);
  else await ctx.redis.del(key);
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, { type: 'pin', sessionId: id, product });
  return { sessionId: id, pinnedProductId: productId, product };
}

/** Saves the session with the audit event of its change in the same write (the audit outbox). */
async function saveSessionAudited(
  ctx: HubContext,
  session: HydratedDocument<LiveSession>,
  audit: Omit<AuditEntry, 'source' | 'at'>,
): Promise<void> {
  await recordChange(ctx, { model: LiveSessionModel, id: String(session._id), audit }, async (entry) => {
    withPendingAudit(session, entry);
    await session.save();
  });
}
