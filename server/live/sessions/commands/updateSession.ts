import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { conflict } from '../../../platform/errors.ts';
import { isoDateTime, objectId, text } from '../../../platform/http/schemas.ts';
import { requireProducts } from '../../../commerce/commerceReads.ts';
import { requireStudio } from '../../studios/studioReads.ts';
import { cancelReminder, scheduleReminder } from '../reminders.ts';
import { LiveSessionModel } from '../session.model.ts';
import { assertCanBookStudio, assertCanChangeSession } from '../policies/sessionAccess.ts';
import { presentSession } from '../presenters/session.ts';
import { checkInterval, findOverlap, overlapConflict, requireHost, shelfProductIds, withBookingLocks } from './booking.ts';
import { loadSession, notifyHost, saveSessionAudited } from './sessionRecord.ts';

export const UpdateSessionBody = z
  .object({
    studioId: objectId('studioId').optional(),
    hostUserId: objectId('hostUserId').optional(),
    title: text(120).optional(),
    startsAt: isoDateTime.optional(),
    endsAt: isoDateTime.optional(),
    productIds: shelfProductIds.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'send at least one field to change' })
  .openapi('MoveSession');

/** The fields to change; those left out keep their value. */
export type UpdateSessionCommand = { sessionId: string; changes: z.output<typeof UpdateSessionBody> };

/** Moves or edits a scheduled session; the host (old and new, if it changed) is told. */
export async function updateSession(ctx: HubContext, actor: AuthUser, command: UpdateSessionCommand) {
  const { sessionId: id, changes } = command;
  const current = await loadSession(id);
  assertCanChangeSession(actor, current);
  if (current.status !== 'scheduled')
    throw conflict(
      `Session ${id} is ${current.status}; only a scheduled session can be changed`,
      { status: current.status },
      'wrong_state',
    );
  const next = {
    studioId: changes.studioId ?? String(current.studioId),
    hostUserId: changes.hostUserId ?? String(current.hostUserId),
    startsAt: changes.startsAt ?? current.startsAt,
    endsAt: changes.endsAt ?? current.endsAt,
  };
  checkInterval(next.startsAt, next.endsAt);
  const studio = changes.studioId ? await requireStudio(changes.studioId) : null;
  if (studio) assertCanBookStudio(actor, studio);
  if (changes.hostUserId) await requireHost(changes.hostUserId, actor);
  if (changes.productIds) await requireProducts([...new Set(changes.productIds)]);
  const before = presentSession(current.toObject());

  const after = await withBookingLocks(ctx.redis, ctx.config.REDIS_PREFIX, next, async () => {
    const other = await findOverlap(next, id);
    if (other) throw overlapConflict(next, other);
    const fresh = await LiveSessionModel.findById(id);
    if (fresh?.status !== 'scheduled') throw conflict(`Session ${id} changed state meanwhile; reload it`, undefined, 'wrong_state');
    fresh.set({
      studioId: next.studioId,
      baseId: studio?.baseId ?? fresh.baseId,
      hostUserId: next.hostUserId,
      startsAt: next.startsAt,
      endsAt: next.endsAt,
      ...(changes.title ? { title: changes.title } : {}),
      ...(changes.productIds ? { productIds: [...new Set(changes.productIds)] } : {}),
    });
    const changed = presentSession(fresh.toObject());
    await saveSessionAudited(ctx, fresh, { actor, action: 'session.update', before, after: changed });
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
