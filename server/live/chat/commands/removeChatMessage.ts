import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { recordRedisChange } from '../../../platform/audit/outbox.ts';
import { notFound } from '../../../platform/errors.ts';
import { CHAT_HISTORY, historyKey, type ChatMessage } from '../chatService.ts';
import { requireChatHost } from './chatHost.ts';

export type RemoveChatMessageCommand = { sessionId: string; messageId: string };

/** The host removes one message from the session's recent history. */
export async function removeChatMessage(ctx: HubContext, actor: AuthUser, command: RemoveChatMessageCommand) {
  const { sessionId, messageId } = command;
  await requireChatHost(actor, sessionId);
  const key = historyKey(ctx.config.REDIS_PREFIX, sessionId);
  const raw = await ctx.redis.lrange(key, 0, CHAT_HISTORY - 1);
  const hit = raw.find((r) => (JSON.parse(r) as ChatMessage).id === messageId);
  if (!hit) throw notFound('Chat message');
  const message = JSON.parse(hit) as ChatMessage;
  await recordRedisChange(ctx, { actor, action: 'chat.remove', target: { type: 'session', id: sessionId }, before: message }, (multi) =>
    multi.lrem(key, 0, hit),
  );
  return { sessionId, messageId };
}
