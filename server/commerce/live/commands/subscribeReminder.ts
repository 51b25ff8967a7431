import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { conflict, notFound } from '../../../platform/errors.ts';
import { sessionStatusAndEnd } from '../../../live/sessions/sessionReads.ts';
import { subscribersKey } from '../viewerReminders.ts';

export type SubscribeReminderCommand = { sessionId: string; subscribed: boolean };

/** 预约: a viewer asks to be told in-app when a scheduled session goes live. */
export async function subscribeReminder(ctx: HubContext, actor: AuthUser, command: SubscribeReminderCommand) {
  const { sessionId, subscribed: on } = command;
  const session = await sessionStatusAndEnd(sessionId);
  if (!session) throw notFound('Session');
  if (on && session.status !== 'scheduled')
    throw conflict(
      `Session ${sessionId} is ${session.status}: only scheduled sessions take reminders`,
      { status: session.status },
      'wrong_state',
    );
  const key = subscribersKey(ctx.config.REDIS_PREFIX, sessionId);
  if (on)
    await ctx.redis
      .multi()
      .sadd(key, actor.id)
      .expireat(key, Math.floor(new Date(session.endsAt).getTime() / 1000) + 86_400)
      .exec();
  else await ctx.redis.srem(key, actor.id);
  return { sessionId, subscribed: on, subscribers: await ctx.redis.scard(key) };
}
