import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import { LiveSessionModel } from '../session.model.ts';
import { assertCanReadSession } from '../policies/sessionAccess.ts';
import { sessionTotals } from './sessionRecord.ts';

export type GetSessionSalesCommand = { sessionId: string };

/** Orders, quantity and amount attributed to the session (kept after it ends). */
export async function getSessionSales(ctx: HubContext, actor: AuthUser, command: GetSessionSalesCommand) {
  const id = command.sessionId;
  const session = await LiveSessionModel.findById(id, { associationId: 1 }).lean();
  if (!session) throw notFound('Session');
  assertCanReadSession(actor, session);
  return { sessionId: id, ...(await sessionTotals(ctx, id)) };
}
