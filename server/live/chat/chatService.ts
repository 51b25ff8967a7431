import { randomUUID } from 'node:crypto';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { recordRedisChange } from '../../platform/audit/outbox.ts';
import { HttpError, badRequest, forbidden, notFound } from '../../platform/errors.ts';
import { LiveSessionModel } from '../sessions/session.model.ts';
import { assertCanChat, assertIsSessionHost } from '../sessions/policies/sessionAccess.ts';

export const CHAT_MAX_LENGTH = 200;
/** Per viewer and session: at most this many messages per window. */
export const CHAT_RATE_MESSAGES = 5;
export const CHAT_RATE_WINDOW_MS = 10_000;
const HISTORY = 50;

export interface ChatMessage {
  id: string;
  sessionId: string;
  userId: string;
  username: string;
  text: string;
  at: string;
}

const historyKey = (prefix: string, sessionId: string) => `${prefix}:live:chat:${sessionId}`;
const mutedKey = (prefix: string, sessionId: string) => `${prefix}:live:muted:${sessionId}`;
const rateKey = (prefix: string, sessionId: string, userId: string) => `${prefix}:live:chat-rate:${sessionId}:${userId}`;

// Control characters and bidirectional overrides can disguise text; chat keeps printable text only.
// eslint-disable-next-line no-control-regex
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Chat is plain text: never HTML-escaped here (clients set it as text), only cleaned and bounded. */
export function cleanChatText(raw: string): string {
  const text = raw.replace(UNPRINTABLE, ' ').replace(LONE_SURROGATE, ' ').replace(/\s+/g, ' ').trim();
  if (!text) throw badRequest('Invalid field "text": must not be empty');
  if ([...text].length > CHAT_MAX_LENGTH) throw badRequest(`Invalid field "text": must be at most ${CHAT_MAX_LENGTH} characters`);
  return text;
}

export async function sendChat(ctx: HubContext, actor: AuthUser, sessionId: string, raw: string): Promise<ChatMessage> {
  assertCanChat(actor);
  const prefix = ctx.config.REDIS_PREFIX;
  const text = cleanChatText(raw);
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
    .ltrim(historyKey(prefix, sessionId), 0, HISTORY - 1)
    .exec();
  return message;
}

export async function chatHistory(ctx: HubContext, sessionId: string): Promise<ChatMessage[]> {
  const raw = await ctx.redis.lrange(historyKey(ctx.config.REDIS_PREFIX, sessionId), 0, HISTORY - 1);
  return raw.map((r) => JSON.parse(r) as ChatMessage).reverse();
}

async function requireHostOf(actor: AuthUser, sessionId: string) {
  const session = await LiveSessionModel.findById(sessionId, { hostUserId: 1 }).lean();
  if (!session) throw notFound('Session');
  assertIsSessionHost(actor, session, 'Only the host of this session may moderate its chat');
}

export async function setMuted(ctx: HubContext, actor: AuthUser, sessionId: string, userId: string, muted: boolean) {
  await requireHostOf(actor, sessionId);
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

export async function removeChatMessage(ctx: HubContext, actor: AuthUser, sessionId: string, messageId: string) {
  await requireHostOf(actor, sessionId);
  const key = historyKey(ctx.config.REDIS_PREFIX, sessionId);
  const raw = await ctx.redis.lrange(key, 0, HISTORY - 1);
  const hit = raw.find((r) => (JSON.parse(r) as ChatMessage).id === messageId);
  if (!hit) throw notFound('Chat message');
  const message = JSON.parse(hit) as ChatMessage;
  await recordRedisChange(ctx, { actor, action: 'chat.remove', target: { type: 'session', id: sessionId }, before: message }, (multi) =>
    multi.lrem(key, 0, hit),
  );
  return { sessionId, messageId };
}
