import type { AuthUser } from '../../../platform/auth/roles.ts';
import { forbidden } from '../../../platform/errors.ts';

/**
 * Who may do what to which studio. Routes check the role (RouteTable `access`); these check the record:
 * a studio belongs to the association whose base it is in.
 */

/** Only the association that runs the base may add a studio to it. */
export function assertCanAddStudio(actor: AuthUser, base: { associationId: unknown }): void {
  if (String(base.associationId) !== actor.orgId) throw forbidden('This base belongs to another association');
}

/** Which studios a list may show: an association sees its own, the other reading roles every one. */
export function studioListScope(actor: AuthUser): 'all' | 'own' {
  return actor.role === 'association' ? 'own' : 'all';
}
