import { randomUUID } from 'node:crypto';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { HttpError, forbidden } from '../../../platform/errors.ts';
import { assertCanChat } from '../../sessions/policies/sessionAccess.ts';
import {
  CHAT_HISTORY,
  CHAT_RATE_MESSAGES,
  CHAT_RATE_WINDOW_MS,
  cleanChatText,
  historyKey,
  mutedKey,
  rateKey,
  type ChatMessage,
} from '../chatService.ts';

export type SendChatCommand = { sessionId: string; text: string };

/** A viewer's message: cleaned, refused when muted or too fast, kept in the session's recent history. */
export async function sendChat(ctx: HubContext, actor: AuthUser, command: SendChatCommand): Promise<ChatMessage> {
  const { sessionId } = command;
  assertCanChat(actor);
  const prefix = ctx.config.REDIS_PREFIX;
  const text = cleanChatText(command.text);
  if (await ctx.redis.sismember(mutedKey(prefix, sessionId), actor.id)) throw forbidden('The host has muted you in this session');
  const key = rateKey(prefix, sessionId, actor.id);
  const [[, count], [, ttl]] = (await ctx.redis.multi().incr(key).pttl(key).exec()) as [[null, number], [null, number]];
  if (ttl < 0) await ctx.redis.pexpire(key, CHAT_RATE_WINDOW_MS);
  if (count > CHAT_RATE_MESSAGES) {
    const retryAfterMs = ttl > 0 ? ttl : CHAT_RATE_WINDOW_MS;
    throw new HttpError(429, 'too_many_requests', `Slow down: at most ${CHAT_RATE_MESSAGES} messages per ${CHAT_RATE_WINDOW_MS / 1000} s`, {
      retryAfterMs,
    });
  }
  // A buyer's login name is their mobile number: others see it masked.
  const username = actor.role === 'buyer' ? `${actor.username.slice(0, 3)}****${actor.username.slice(-4)}` : actor.username;
  const message: ChatMessage = { id: randomUUID(), sessionId, userId: actor.id, username, text, at: new Date().toISOString() };
  await ctx.redis
    .multi()
    .lpush(historyKey(prefix, sessionId), JSON.stringify(message))
    .ltrim(historyKey(prefix, sessionId), 0, CHAT_HISTORY - 1)
    .exec();
  return message;
}
