import { z } from 'zod';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { isoDateTime, objectId } from '../../../platform/http/schemas.ts';
import { LiveSessionModel, SESSION_STATUSES } from '../session.model.ts';
import { sessionListScope } from '../policies/sessionAccess.ts';
import { presentSession } from '../presenters/session.ts';

export const ListSessionsQuery = z
  .object({
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    studioId: objectId('studioId').optional(),
    hostUserId: objectId('hostUserId').optional(),
    status: z.enum(SESSION_STATUSES).optional(),
  })
  .strict();
export type ListSessionsCommand = z.output<typeof ListSessionsQuery>;

/** Sessions overlapping [from, to), by start; an association sees its own, a host its own, others all. */
export async function listSessions(actor: AuthUser, command: ListSessionsCommand) {
  const query: Record<string, unknown> = {};
  if (command.from) query.endsAt = { $gt: command.from };
  if (command.to) query.startsAt = { $lt: command.to };
  if (command.studioId) query.studioId = command.studioId;
  if (command.hostUserId) query.hostUserId = command.hostUserId;
  if (command.status) query.status = command.status;
  Object.assign(query, sessionListScope(actor, command.status));
  const sessions = await LiveSessionModel.find(query).sort({ startsAt: 1 }).limit(1000).lean();
  return { items: sessions.map(presentSession) };
}
