import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { recordRedisChange } from '../../../platform/audit/outbox.ts';
import { mutedKey } from '../chatService.ts';
import { requireChatHost } from './chatHost.ts';

export type SetMutedCommand = { sessionId: string; userId: string; muted: boolean };

/** The host mutes (or unmutes) a viewer in the session's chat, for at most a week. */
export async function setMuted(ctx: HubContext, actor: AuthUser, command: SetMutedCommand) {
  const { sessionId, userId, muted } = command;
  await requireChatHost(actor, sessionId);
  const key = mutedKey(ctx.config.REDIS_PREFIX, sessionId);
  // The moderation lives in Redis: it and its audit event are one MULTI (the audit outbox's Redis-held entries).
  await recordRedisChange(
    ctx,
    { actor, action: muted ? 'chat.mute' : 'chat.unmute', target: { type: 'session', id: sessionId }, after: { userId } },
    (multi) => {
      if (muted) multi.sadd(key, userId).expire(key, 7 * 24 * 3600);
      else multi.srem(key, userId);
    },
  );
  return { sessionId, userId, muted };
}
