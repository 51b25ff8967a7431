import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import { sessionForFigures } from '../../../live/sessions/sessionReads.ts';
import { sessionFigures } from '../sessionAnalytics.ts';
import { assertCanSeeSessionAnalytics } from '../policies/liveSellingAccess.ts';

export type GetSessionAnalyticsCommand = { sessionId: string };

/**
 * The session's figures for its host, its association, bureau and auditor: distinct viewers, peak, chat
 * messages, "+1"s, orders, paid GMV (bank transfers confirmed, cash collected; orders placed without
 * checkout count as paid, as before), conversion (buyers ÷ viewers), and per product.
 */
export async function getSessionAnalytics(ctx: HubContext, actor: AuthUser, command: GetSessionAnalyticsCommand) {
  const { sessionId } = command;
  const session = await sessionForFigures(sessionId);
  if (!session) throw notFound('Session');
  assertCanSeeSessionAnalytics(actor, session);
  return sessionFigures(ctx, { _id: sessionId, title: session.title, peakViewers: session.peakViewers ?? 0 });
}
