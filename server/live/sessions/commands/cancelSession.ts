import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { conflict } from '../../../platform/errors.ts';
import { text } from '../../../platform/http/schemas.ts';
import { publishLive } from '../../bus.ts';
import { markSessionStatus } from '../liveState.ts';
import { cancelReminder } from '../reminders.ts';
import { assertCanChangeSession } from '../policies/sessionAccess.ts';
import { presentSession } from '../presenters/session.ts';
import { loadSession, notifyHost, saveSessionAudited } from './sessionRecord.ts';

export const CancelSessionQuery = z.object({ reason: text(200).optional() }).strict();
export type CancelSessionCommand = { sessionId: string; reason?: string };

/** Cancels a scheduled session: its reminder goes, its host is told, its viewers see the status. */
export async function cancelSession(ctx: HubContext, actor: AuthUser, command: CancelSessionCommand) {
  const { sessionId: id, reason } = command;
  const session = await loadSession(id);
  assertCanChangeSession(actor, session);
  if (session.status !== 'scheduled')
    throw conflict(
      `Session ${id} is ${session.status}; only a scheduled session can be cancelled`,
      { status: session.status },
      'wrong_state',
    );
  const before = presentSession(session.toObject());
  session.set({ status: 'cancelled', cancelledAt: new Date(), cancelReason: reason ?? null });
  const after = presentSession(session.toObject());
  await saveSessionAudited(ctx, session, { actor, action: 'session.cancel', before, after });
  await markSessionStatus(ctx.redis, ctx.config.REDIS_PREFIX, id, 'cancelled');
  await cancelReminder(ctx, id, session.startsAt);
  await notifyHost(ctx, after.hostUserId, 'session.cancelled', after, `“${after.title}” was cancelled${reason ? `: ${reason}` : ''}`);
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, { type: 'status', sessionId: id, status: 'cancelled' });
  return after;
}
