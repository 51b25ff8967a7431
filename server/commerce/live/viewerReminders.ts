import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { sessionStatusAndEnd } from '../../live/sessions/sessionReads.ts';
import { publishLive } from '../../live/bus.ts';

const subscribersKey = (prefix: string, sessionId: string) => `${prefix}:live:subscribers:${sessionId}`;

/** 预约: a viewer asks to be told in-app when a scheduled session goes live. */
export async function subscribeReminder(ctx: HubContext, actor: AuthUser, command: { sessionId: string; subscribed: boolean }) {
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

/** Called when a session goes live: every subscriber gets a `notification` (then the list is spent). */
export async function notifySubscribers(
  ctx: HubContext,
  session: { id: string; title: string; startsAt: Date; endsAt: Date },
): Promise<number> {
  const key = subscribersKey(ctx.config.REDIS_PREFIX, session.id);
  const [[, users]] = (await ctx.redis.multi().smembers(key).del(key).exec()) as [[null, string[]], unknown];
  for (const userId of users) {
    await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, {
      type: 'notify',
      userId,
      notification: {
        kind: 'session.live',
        sessionId: session.id,
        title: session.title,
        startsAt: session.startsAt.toISOString(),
        endsAt: session.endsAt.toISOString(),
        message: `“${session.title}” 开播了 / is live now`,
        at: new Date().toISOString(),
      },
    });
  }
  return users.length;
}
