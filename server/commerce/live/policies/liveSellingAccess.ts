import { READ_ALL_ROLES, type AuthUser } from '../../../platform/auth/roles.ts';
import { conflict } from '../../../platform/errors.ts';
import { assertIsSessionHost, sessionTakesOrders } from '../../../live/sessions/policies/sessionAccess.ts';

/**
 * Who may sell in, and read the selling of, which session. The host and "live only" rules are live's
 * (sessionAccess.ts); what commerce adds is who reads the figures and queues besides the host.
 */
interface HostedSession {
  hostUserId: unknown;
}

const FLASH_HOST_ONLY = 'Only the host of this session runs its flash sales';

/** Starting a flash sale: the host, while the session is live (a sale's orders are the session's orders). */
export function assertCanStartFlashSale(actor: AuthUser, session: HostedSession & { status: string }, sessionId: string): void {
  assertIsSessionHost(actor, session, FLASH_HOST_ONLY);
  if (!sessionTakesOrders(session.status))
    throw conflict(`Session ${sessionId} is ${session.status}, not live`, { status: session.status }, 'wrong_state');
}

/** Ending a flash sale early: the host, whatever the session's state. */
export function assertCanStopFlashSale(actor: AuthUser, session: HostedSession): void {
  assertIsSessionHost(actor, session, FLASH_HOST_ONLY);
}

/** Only buyers reserve by "+1"; anyone else's "+1" is just a chat message. */
export function placesPlusOnes(actor: AuthUser): boolean {
  return actor.role === 'buyer';
}

/** The "+1" queue: the host, bureau and auditor. */
export function assertCanSeePlusOnes(actor: AuthUser, session: HostedSession): void {
  if (READ_ALL_ROLES.includes(actor.role)) return;
  assertIsSessionHost(actor, session, 'Only the host sees the "+1" queue');
}

/** A session's analytics: its host, its association, bureau and auditor. */
export function assertCanSeeSessionAnalytics(actor: AuthUser, session: HostedSession & { associationId: unknown }): void {
  if (READ_ALL_ROLES.includes(actor.role)) return;
  if (actor.role === 'association' && actor.orgId === String(session.associationId)) return;
  assertIsSessionHost(actor, session, "Only the session's host, its association, the bureau and the auditor see its analytics");
}
