import { READ_ALL_ROLES, type AuthUser } from '../../../platform/auth/roles.ts';
import { forbidden } from '../../../platform/errors.ts';

/**
 * Who may see which organisation. Routes check the role (RouteTable `access`; only the bureau registers one);
 * these check the record: the bureau and the auditor see every organisation, others only their own.
 */

export function assertCanReadOrg(actor: AuthUser, orgId: string): void {
  if (!READ_ALL_ROLES.includes(actor.role) && actor.orgId !== orgId) throw forbidden('You may only see your own organisation');
}

/** Which organisations a list may show: every one, or only the actor's own. */
export function orgListScope(actor: AuthUser): 'all' | 'own' {
  return READ_ALL_ROLES.includes(actor.role) ? 'all' : 'own';
}
