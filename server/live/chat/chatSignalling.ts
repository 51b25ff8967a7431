import type { Namespace } from 'socket.io';
import { z } from 'zod';
import type { HubContext } from '../../platform/context.ts';
import { objectId } from '../../platform/http/schemas.ts';
import { plusOne } from '../../commerce/live/commands/plusOne.ts';
import { countChat } from '../../commerce/live/sessionAnalytics.ts';
import { errorReply } from '../socketReplies.ts';
import { hostRoom, sessionRoom, userRoom, type LiveConnection } from '../liveSocket.ts';
import { CHAT_MAX_LENGTH } from './chatService.ts';
import { removeChatMessage } from './commands/removeChatMessage.ts';
import { sendChat } from './commands/sendChat.ts';
import { setMuted } from './commands/setMuted.ts';

// Chat text is cleaned rather than refused: cleanChatText strips controls, NUL and bidi overrides.
const ChatPayload = z.object({ text: z.string().max(CHAT_MAX_LENGTH * 4, `text must be at most ${CHAT_MAX_LENGTH} characters`) }).strict();
const MutePayload = z.object({ userId: objectId('userId'), muted: z.boolean().default(true) }).strict();
const RemoveMessagePayload = z.object({ messageId: z.string().uuid('messageId must be a message id') }).strict();

/** chat:send (a buyer's "+1" also reserves the pinned product), chat:mute and chat:remove (the host). */
export function registerChatHandlers(conn: LiveConnection, ctx: HubContext, nsp: Namespace): void {
  conn.on('chat:send', ChatPayload, async ({ text }) => {
    const { sessionId } = conn.joined();
    const message = await sendChat(ctx, conn.signedIn(), { sessionId, text });
    nsp.to(sessionRoom(sessionId)).emit('chat:message', message);
    // "+1" ordering (server/commerce/live/commands/plusOne.ts): the buyer's checkout opens, the host's queue grows.
    const reservation = await plusOne(ctx, conn.signedIn(), { sessionId, text }).catch((err: unknown) => {
      conn.socket.emit('checkout:refused', errorReply(err).error);
      return null;
    });
    await countChat(ctx, sessionId, reservation !== null);
    if (reservation) {
      nsp.to(userRoom(conn.signedIn().id)).emit('checkout:open', reservation);
      nsp.to(hostRoom(sessionId)).emit('plusone:queued', {
        orderId: reservation.order.id,
        buyerTail: reservation.buyerTail,
        productId: reservation.product.id,
        at: new Date().toISOString(),
      });
    }
    return { message, ...(reservation ? { reservation: reservation.order } : {}) };
  });
  conn.on('chat:mute', MutePayload, async ({ userId, muted }) => {
    const { sessionId, user } = conn.asHost();
    const result = await setMuted(ctx, user, { sessionId, userId, muted });
    nsp.to(userRoom(userId)).emit('chat:muted', result);
    return result;
  });
  conn.on('chat:remove', RemoveMessagePayload, async ({ messageId }) => {
    const { sessionId, user } = conn.asHost();
    const result = await removeChatMessage(ctx, user, { sessionId, messageId });
    nsp.to(sessionRoom(sessionId)).emit('chat:removed', result);
    return result;
  });
}
