import { READ_ALL_ROLES, type AuthUser } from '../../../platform/auth/roles.ts';
import { conflict, forbidden } from '../../../platform/errors.ts';

/**
 * Who may see or change which account. Routes check the role (RouteTable `access`; only the bureau creates
 * and changes accounts); these check the record: the bureau and the auditor see everyone, others themselves
 * and the people of their own organisation (an association picks hosts for its sessions).
 */

/** `user.id` is the id asked for; `orgId` the stored user's organisation. */
export function assertCanReadUser(actor: AuthUser, user: { id: string; orgId?: unknown }): void {
  const sameOrg = actor.orgId !== null && user.orgId != null && String(user.orgId) === actor.orgId;
  if (!READ_ALL_ROLES.includes(actor.role) && actor.id !== user.id && !sameOrg)
    throw forbidden('You may only see users of your own organisation');
}

/** Which organisation's users a list may show: readers any (or the one asked for), others only their own. */
export function userListScope(actor: AuthUser, askedOrgId: string | undefined): string | undefined {
  if (READ_ALL_ROLES.includes(actor.role)) return askedOrgId;
  if (!actor.orgId) throw forbidden('You may only list users of your own organisation');
  if (askedOrgId && askedOrgId !== actor.orgId) throw forbidden('You may only list users of your own organisation');
  return actor.orgId;
}

/** A bureau user never deactivates their own account, so the county is never left without one. */
export function assertCanDeactivate(actor: AuthUser, userId: string): void {
  if (userId === actor.id)
    throw conflict('You cannot deactivate your own account; ask another bureau user', { fields: ['active'] }, 'cannot_deactivate_self');
}
