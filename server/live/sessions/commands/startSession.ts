import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { conflict } from '../../../platform/errors.ts';
import { hubEvents } from '../../../platform/events.ts';
import { notifySubscribers } from '../../../commerce/live/viewerReminders.ts';
import { publishLive } from '../../bus.ts';
import { markSessionStatus } from '../liveState.ts';
import { cancelReminder } from '../reminders.ts';
import { assertIsSessionHost } from '../policies/sessionAccess.ts';
import { presentSession } from '../presenters/session.ts';
import { loadSession, saveSessionAudited } from './sessionRecord.ts';

export type StartSessionCommand = { sessionId: string };

/** The host goes live. Starting a session that is already live is a no-op, so a host that reconnects resumes it. */
export async function startSession(ctx: HubContext, actor: AuthUser, command: StartSessionCommand) {
  const id = command.sessionId;
  const session = await loadSession(id);
  assertIsSessionHost(actor, session);
  if (session.status === 'live') return presentSession(session.toObject());
  if (session.status !== 'scheduled')
    throw conflict(`Session ${id} is ${session.status}; it cannot go live`, { status: session.status }, 'wrong_state');
  const before = presentSession(session.toObject());
  const at = new Date();
  session.set({ status: 'live', startedAt: at });
  await saveSessionAudited(ctx, session, { actor, action: 'session.start', before, after: presentSession(session.toObject()) });
  const after = presentSession(session.toObject());
  await markSessionStatus(ctx.redis, ctx.config.REDIS_PREFIX, id, 'live');
  await cancelReminder(ctx, id, session.startsAt);
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, { type: 'status', sessionId: id, status: 'live' });
  // Viewers who asked for a reminder (预约, server/commerce/live/commands/subscribeReminder.ts) hear it is live.
  await notifySubscribers(ctx, { id, title: session.title, startsAt: session.startsAt, endsAt: session.endsAt });
  hubEvents.emit('session.started', { sessionId: id, at });
  return after;
}
