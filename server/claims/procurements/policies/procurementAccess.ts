import { READ_ALL_ROLES, type AuthUser } from '../../../platform/auth/roles.ts';
import { forbidden } from '../../../platform/errors.ts';

/**
 * Who may record and see which procurements. Routes check the role (RouteTable `access`); these check the
 * record: a procurement belongs to the enterprise that recorded it.
 */

/** The organisation a new procurement is recorded for: the actor's own. */
export function recordingOrgId(actor: AuthUser): string {
  if (!actor.orgId) throw forbidden('Only a user of an enterprise may record procurements');
  return actor.orgId;
}

/** Only an e-commerce enterprise records procurements (the organisation as loaded; null when unknown). */
export function assertCanRecordProcurement<O extends { type: string }>(org: O | null): asserts org is O {
  if (org?.type !== 'enterprise') throw forbidden('Only e-commerce enterprises record procurements from households');
}

/**
 * Which procurements a list may show: every one (bureau, auditor) or only the actor's enterprise's; asking
 * for another enterprise's is refused rather than answered empty.
 */
export function procurementListScope(actor: AuthUser, enterpriseId: string | undefined): 'all' | 'own' {
  if (READ_ALL_ROLES.includes(actor.role)) return 'all';
  if (enterpriseId && enterpriseId !== actor.orgId) throw forbidden("You may list only your enterprise's procurements");
  return 'own';
}
