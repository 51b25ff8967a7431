import type { HubContext } from '../../platform/context.ts';
import { publishLive } from '../../live/bus.ts';

export const subscribersKey = (prefix: string, sessionId: string) => `${prefix}:live:subscribers:${sessionId}`;

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
