import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import { LiveSessionModel } from '../session.model.ts';
import { assertCanReadSession } from '../policies/sessionAccess.ts';
import { presentSession } from '../presenters/session.ts';

export type GetSessionCommand = { sessionId: string };

export async function getSession(actor: AuthUser, command: GetSessionCommand) {
  const session = await LiveSessionModel.findById(command.sessionId).lean();
  if (!session) throw notFound('Session');
  assertCanReadSession(actor, session);
  return presentSession(session);
}
