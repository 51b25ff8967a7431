import type { HubContext } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';

// Chat's rules, keys and history; its operations (send, mute, remove) are commands/.

export const CHAT_MAX_LENGTH = 200;
/** Per viewer and session: at most this many messages per window. */
export const CHAT_RATE_MESSAGES = 5;
export const CHAT_RATE_WINDOW_MS = 10_000;
export const CHAT_HISTORY = 50;

export interface ChatMessage {
  id: string;
  sessionId: string;
  userId: string;
  username: string;
  text: string;
  at: string;
}

export const historyKey = (prefix: string, sessionId: string) => `${prefix}:live:chat:${sessionId}`;
export const mutedKey = (prefix: string, sessionId: string) => `${prefix}:live:muted:${sessionId}`;
export const rateKey = (prefix: string, sessionId: string, userId: string) => `${prefix}:live:chat-rate:${sessionId}:${userId}`;

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

export async function chatHistory(ctx: HubContext, sessionId: string): Promise<ChatMessage[]> {
  const raw = await ctx.redis.lrange(historyKey(ctx.config.REDIS_PREFIX, sessionId), 0, CHAT_HISTORY - 1);
  return raw.map((r) => JSON.parse(r) as ChatMessage).reverse();
}
