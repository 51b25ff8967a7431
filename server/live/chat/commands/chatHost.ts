import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import { LiveSessionModel } from '../../sessions/session.model.ts';
import { assertIsSessionHost } from '../../sessions/policies/sessionAccess.ts';

/** Moderation is the session host's: refuses anyone else (404 for an unknown session). */
export async function requireChatHost(actor: AuthUser, sessionId: string): Promise<void> {
  const session = await LiveSessionModel.findById(sessionId, { hostUserId: 1 }).lean();
  if (!session) throw notFound('Session');
  assertIsSessionHost(actor, session, 'Only the host of this session may moderate its chat');
}
