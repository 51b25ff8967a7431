import { READ_ALL_ROLES, type AuthUser } from '../../../platform/auth/roles.ts';
import { forbidden } from '../../../platform/errors.ts';

/**
 * Who may do what to which base. Routes check the role (RouteTable `access`); these check the record:
 * a base belongs to the association that registered it.
 */

/** The association a new base is registered to: the actor's own organisation. */
export function registeringAssociationId(actor: AuthUser): string {
  if (!actor.orgId) throw forbidden('Only an association user of an organisation may register a base');
  return actor.orgId;
}

/** An association sees only its own bases; the other reading roles see every one. */
export function assertCanReadBase(actor: AuthUser, base: { associationId: unknown }): void {
  if (actor.role === 'association' && String(base.associationId) !== actor.orgId)
    throw forbidden('This base belongs to another association');
}

/** Which bases a list may show: every one (bureau, auditor, host), or only the actor's association's. */
export function baseListScope(actor: AuthUser): 'all' | 'own' {
  return READ_ALL_ROLES.includes(actor.role) || actor.role === 'host' ? 'all' : 'own';
}
