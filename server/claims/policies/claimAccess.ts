import type { AuthUser } from '../../platform/auth/roles.ts';
import { READ_ALL_ROLES } from '../../platform/auth/roles.ts';
import { forbidden } from '../../platform/errors.ts';
import type { OrgType, ProgramRule } from '../../../config/policies/types.ts';

/**
 * Who may do what to which claim. Routes check the role (RouteTable `access`); these check the record:
 * the filing organisation's side, the bureau and auditor readers, and separation of duties on review.
 */
interface OwnedClaim {
  orgId: unknown;
  filerUserId?: unknown;
}

/** A user of the organisation that filed the claim (association or enterprise role). */
export function isFilerSide(actor: AuthUser, claim: OwnedClaim): boolean {
  return Boolean(actor.orgId) && String(claim.orgId) === actor.orgId && (actor.role === 'association' || actor.role === 'enterprise');
}

export function assertCanReadClaim(actor: AuthUser, claim: OwnedClaim): void {
  if (READ_ALL_ROLES.includes(actor.role)) return;
  if (!isFilerSide(actor, claim)) throw forbidden('This claim belongs to another organisation');
}

export function assertCanChangeClaim(actor: AuthUser, claim: OwnedClaim): void {
  if (!isFilerSide(actor, claim)) throw forbidden("Only the filing organisation's users may change this claim");
}

/** The filer (or anyone of the filing organisation) never reviews their own claim. */
export function assertCanReviewClaim(actor: AuthUser, claim: OwnedClaim): void {
  if (String(claim.filerUserId) === actor.id || (actor.orgId && actor.orgId === String(claim.orgId))) {
    throw forbidden('The filer may not review their own claim');
  }
}

/** Only a user of a registered organisation files; the organisation must be of a type the programme names. */
export function assertCanFile(actor: AuthUser): asserts actor is AuthUser & { orgId: string } {
  if (!actor.orgId) throw forbidden('Only a user of a registered organisation may file a claim');
}

/** The programme's rule names the organisation types that may claim it; filing and the programme list both ask here. */
export function orgMayClaim(rule: Pick<ProgramRule, 'claimantOrgTypes'>, orgType: OrgType): boolean {
  return rule.claimantOrgTypes.includes(orgType);
}

/** Which organisation's claims a list may show: readers any (or the one asked for), filers only their own. */
export function claimListScope(actor: AuthUser, askedOrgId: string | undefined): string | undefined {
  if (READ_ALL_ROLES.includes(actor.role)) return askedOrgId;
  if (!actor.orgId) throw forbidden('Only users of an organisation see its claims');
  if (askedOrgId && askedOrgId !== actor.orgId) throw forbidden("You may list only your organisation's claims");
  return actor.orgId;
}

/** Whose entitlement figures a user may read: readers any organisation, others their own. */
export function entitlementScope(actor: AuthUser, askedOrgId: string | undefined): string {
  const orgId = askedOrgId ?? actor.orgId;
  if (!orgId) throw forbidden('Name the organisation: orgId');
  if (!READ_ALL_ROLES.includes(actor.role) && orgId !== actor.orgId) throw forbidden("You may see only your organisation's entitlements");
  return orgId;
}
