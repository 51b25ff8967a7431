import type { AuthUser } from '../../../platform/auth/roles.ts';
import { forbidden } from '../../../platform/errors.ts';

/** Who may do what to which product. Routes check the role (RouteTable `access`); commands check the record here. */

/** A product is listed by, and belongs to, an enterprise user's organisation. */
export function assertCanListProduct(actor: AuthUser): asserts actor is AuthUser & { orgId: string } {
  if (!actor.orgId) throw forbidden('Only an enterprise user of an organisation may list products');
}

/** Which enterprise's products a list shows: an enterprise its own catalogue; everyone else (hosts, associations picking what to feature) any. */
export function productListScope(actor: AuthUser, filter: { enterpriseId?: string; ids?: string[] }): string | null | undefined {
  if (actor.role === 'enterprise' && !filter.ids) return actor.orgId;
  return filter.enterpriseId;
}
