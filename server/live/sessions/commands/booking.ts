import { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { HttpError, badRequest, conflict, withParams } from '../../../platform/errors.ts';
import { objectId } from '../../../platform/http/schemas.ts';
import { withRedisLocks } from '../../../platform/redisLock.ts';
import { orgTypeOf } from '../../../registry/orgs/orgReads.ts';
import { hostCandidate } from '../../../registry/users/userReads.ts';
import { LiveSessionModel, type SessionStatus } from '../session.model.ts';
import type { StoredSession } from '../presenters/session.ts';
import { assertCanBookHost } from '../policies/sessionAccess.ts';

/** What scheduling and moving share: the interval rules, the host check, overlaps and the booking locks. */

const MAX_SESSION_MS = 24 * 3600 * 1000;
const BOOKED: SessionStatus[] = ['scheduled', 'live'];

export const shelfProductIds = z.array(objectId('productIds')).max(50, 'at most 50 products per session');

interface Booking {
  studioId: string;
  hostUserId: string;
  startsAt: Date;
  endsAt: Date;
}

export function checkInterval(startsAt: Date, endsAt: Date): void {
  if (endsAt.getTime() <= startsAt.getTime()) throw badRequest('Invalid field "endsAt": must be after startsAt');
  if (endsAt.getTime() - startsAt.getTime() > MAX_SESSION_MS) throw badRequest('Invalid field "endsAt": a session lasts at most 24 hours');
  if (endsAt.getTime() <= Date.now()) throw badRequest('Invalid field "endsAt": must be in the future');
}

export async function requireHost(hostUserId: string, actor: AuthUser) {
  const host = await hostCandidate(hostUserId);
  if (!host?.active) throw badRequest(`Invalid field "hostUserId": no active user ${hostUserId}`);
  if (host.role !== 'host') throw badRequest(`Invalid field "hostUserId": ${host.username} is a ${host.role}, not a host`);
  const otherOrg = host.orgId && String(host.orgId) !== actor.orgId ? await orgTypeOf(host.orgId) : null;
  assertCanBookHost(actor, host, otherOrg);
  return host;
}

/** A booked session of the same studio or host overlapping [startsAt, endsAt); back-to-back is not an overlap. */
export async function findOverlap(c: Booking, exceptId?: string) {
  return LiveSessionModel.findOne({
    ...(exceptId ? { _id: { $ne: new Types.ObjectId(exceptId) } } : {}),
    status: { $in: BOOKED },
    startsAt: { $lt: c.endsAt },
    endsAt: { $gt: c.startsAt },
    $or: [{ studioId: new Types.ObjectId(c.studioId) }, { hostUserId: new Types.ObjectId(c.hostUserId) }],
  }).lean();
}

export function overlapConflict(c: { studioId: string }, other: StoredSession) {
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

/**
 * Runs the check-then-write of a booking under the locks of its studio and host, so it is atomic across
 * processes; a lock held too long is a 503 to retry.
 */
export const withBookingLocks = <T>(redis: Redis, prefix: string, c: { studioId: string; hostUserId: string }, work: () => Promise<T>) =>
  withRedisLocks(redis, [`${prefix}:lock:studio:${c.studioId}`, `${prefix}:lock:host:${c.hostUserId}`], work, {
    ttlMs: 10_000,
    waitMs: 8_000,
    retry: { firstMs: 5, maxMs: 100, jitter: true },
    busy: () =>
      new HttpError(503, 'service_unavailable', 'The schedule is busy with other bookings; try again in a moment', undefined, {
        'Retry-After': '1',
      }),
  });
