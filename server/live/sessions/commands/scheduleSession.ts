import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { hubEvents } from '../../../platform/events.ts';
import { isoDateTime, objectId, text } from '../../../platform/http/schemas.ts';
import { requireProducts } from '../../../commerce/commerceReads.ts';
import { requireStudio } from '../../studios/studioReads.ts';
import { markSessionStatus } from '../liveState.ts';
import { scheduleReminder } from '../reminders.ts';
import { LiveSessionModel } from '../session.model.ts';
import { assertCanBookStudio } from '../policies/sessionAccess.ts';
import { presentSession } from '../presenters/session.ts';
import { checkInterval, findOverlap, overlapConflict, requireHost, shelfProductIds, withBookingLocks } from './booking.ts';
import { notifyHost, saveSessionAudited } from './sessionRecord.ts';

export const ScheduleSessionBody = z
  .object({
    studioId: objectId('studioId'),
    hostUserId: objectId('hostUserId'),
    title: text(120),
    startsAt: isoDateTime,
    endsAt: isoDateTime,
    productIds: shelfProductIds.optional(),
  })
  .strict()
  .openapi('ScheduleSession');
export type ScheduleSessionCommand = z.output<typeof ScheduleSessionBody>;

/** Books a studio and a host for [startsAt, endsAt); the host is told and reminded 10 minutes before. */
export async function scheduleSession(ctx: HubContext, actor: AuthUser, command: ScheduleSessionCommand) {
  checkInterval(command.startsAt, command.endsAt);
  const studio = await requireStudio(command.studioId);
  assertCanBookStudio(actor, studio);
  await requireHost(command.hostUserId, actor);
  const productIds = [...new Set(command.productIds ?? [])];
  await requireProducts(productIds);

  const dto = await withBookingLocks(ctx.redis, ctx.config.REDIS_PREFIX, command, async () => {
    const other = await findOverlap(command);
    if (other) throw overlapConflict(command, other);
    const session = new LiveSessionModel({
      studioId: command.studioId,
      baseId: studio.baseId,
      associationId: studio.associationId,
      hostUserId: command.hostUserId,
      title: command.title,
      startsAt: command.startsAt,
      endsAt: command.endsAt,
      productIds,
      createdBy: actor.id,
      createdAt: new Date(),
    });
    const scheduled = presentSession(session.toObject());
    await saveSessionAudited(ctx, session, { actor, action: 'session.schedule', after: scheduled });
    return scheduled;
  });
  await markSessionStatus(ctx.redis, ctx.config.REDIS_PREFIX, dto.id, 'scheduled');
  await scheduleReminder(ctx, { id: dto.id, hostUserId: dto.hostUserId, startsAt: command.startsAt });
  await notifyHost(ctx, dto.hostUserId, 'session.assigned', dto, `You host “${dto.title}” from ${dto.startsAt}`);
  hubEvents.emit('session.scheduled', { sessionId: dto.id, hostUserId: dto.hostUserId, startsAt: command.startsAt });
  return dto;
}
