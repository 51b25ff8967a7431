import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { conflict, notFound } from '../../../platform/errors.ts';
import { objectId } from '../../../platform/http/schemas.ts';
import { sessionSalesTotals } from '../../../commerce/commerceReads.ts';
import { chatHistory } from '../../chat/chatService.ts';
import { viewerCountAndPeak } from '../../viewerCount.ts';
import { LiveSessionModel } from '../session.model.ts';
import { sessionShelf, pinnedProduct } from '../sessionReads.ts';
import { assertIsSessionHost } from '../policies/sessionAccess.ts';
import { presentJoinedSession, presentSession } from '../presenters/session.ts';

export const JoinSessionPayload = z
  .object({ sessionId: objectId('sessionId'), role: z.enum(['host', 'viewer']).default('viewer') })
  .strict();
export type JoinSessionCommand = z.output<typeof JoinSessionPayload>;

/**
 * A connection joins a session as its host or a viewer (anyone may watch) and gets what its page shows.
 * `enter` (the connection's part: its rooms and the audience) runs between the checks and that snapshot, so the
 * snapshot counts this viewer and no event is missed between the two.
 */
export async function joinSession(ctx: HubContext, actor: AuthUser | undefined, command: JoinSessionCommand, enter: () => Promise<void>) {
  const { sessionId, role } = command;
  const session = await LiveSessionModel.findById(sessionId).lean();
  if (!session) throw notFound('Session');
  if (role === 'host') assertIsSessionHost(actor, session, 'Only the host of this session may join as host');
  if (session.status === 'ended' || session.status === 'cancelled')
    throw conflict(`Session ${sessionId} is ${session.status}`, { status: session.status }, 'wrong_state');
  await enter();
  const dto = presentSession(session);
  const prefix = ctx.config.REDIS_PREFIX;
  const [shelf, pinned, chat, viewers, sales] = await Promise.all([
    sessionShelf(ctx, dto.productIds),
    pinnedProduct(ctx, sessionId),
    chatHistory(ctx, sessionId),
    viewerCountAndPeak(ctx.redis, prefix, sessionId).then(([count]) => count),
    role === 'host' ? sessionSalesTotals(ctx, sessionId) : Promise.resolve(null),
  ]);
  return { session: presentJoinedSession(dto), role, shelf, pinned, chat, viewers, sales };
}
