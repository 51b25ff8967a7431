import { assertMayChange, type AuthUser } from '../../../platform/auth/roles.ts';
import { conflict, forbidden } from '../../../platform/errors.ts';

/**
 * Who may do what to which session. Routes check the role (RouteTable `access`); these check the record:
 * the association that owns the studio's base schedules, moves and cancels; the booked host pins, goes live,
 * ends and moderates; every signed-in role reads (an association only its own); the auditor reads only.
 */
interface OwnedSession {
  associationId: unknown;
}
interface HostedSession {
  hostUserId: unknown;
}

const OTHER_ASSOCIATION = 'This session belongs to another association';

/** An association sees its own sessions; every other signed-in role sees all. */
export function assertCanReadSession(actor: AuthUser, session: OwnedSession): void {
  if (actor.role === 'association' && String(session.associationId) !== actor.orgId) throw forbidden(OTHER_ASSOCIATION);
}

/** Moving, editing and cancelling: the association the session belongs to. */
export function assertCanChangeSession(actor: AuthUser, session: OwnedSession): void {
  if (actor.role !== 'association' || String(session.associationId) !== actor.orgId) throw forbidden(OTHER_ASSOCIATION);
}

/** Booking a studio: the association it belongs to. */
export function assertCanBookStudio(actor: AuthUser, studio: { associationId: unknown }): void {
  if (String(studio.associationId) !== actor.orgId) throw forbidden('This studio belongs to another association');
}

/** A host of another association is theirs to book; hosts of enterprises and unaffiliated hosts may be booked. */
export function assertCanBookHost(
  actor: AuthUser,
  host: { username: string; orgId?: unknown },
  hostOrg: { type?: string | null } | null,
): void {
  if (host.orgId && String(host.orgId) !== actor.orgId && hostOrg?.type === 'association')
    throw forbidden(`Host ${host.username} belongs to another association`);
}

/** Going live, ending, pinning and moderating: the booked host. */
export function assertIsSessionHost(
  actor: AuthUser | undefined,
  session: HostedSession,
  refusal = 'Only the host of this session may do this',
): void {
  if (!actor || String(session.hostUserId) !== actor.id) throw forbidden(refusal);
}

/** Chatting (and so "+1" ordering): any signed-in role that may change things; the auditor only watches. */
export function assertCanChat(actor: AuthUser): void {
  assertMayChange(actor);
}

/** Which sessions a list may show: an association its own, a host its own unless it asks for a status. */
export function sessionListScope(actor: AuthUser, askedStatus: string | undefined): { associationId?: string | null; hostUserId?: string } {
  if (actor.role === 'association') return { associationId: actor.orgId };
  if (actor.role === 'host' && !askedStatus) return { hostUserId: actor.id };
  return {};
}

/**
 * Orders (with "+1"s and flash sales) belong to a session only while it is live: not before it starts, not after
 * it ends. The order step compares this in its Redis script (commerce's stockLedger.ts), atomically with the stock.
 */
export const ORDERING_STATUS = 'live';

export function sessionTakesOrders(status: string): boolean {
  return status === ORDERING_STATUS;
}

/** The answer to an order for a session in any other state. */
export function ordersRefused(sessionId: string, status: string) {
  return conflict(`Session ${sessionId} is ${status}, not live: orders are attributed only to live sessions`, { status }, 'wrong_state');
}
