import { READ_ALL_ROLES, type AuthUser } from '../../../platform/auth/roles.ts';
import { forbidden } from '../../../platform/errors.ts';

/** Who may do what to which product (and its batches). Routes check the role (RouteTable `access`); commands check the record here. */

/** A product is listed by, and belongs to, an enterprise user's organisation. */
export function assertCanListProduct(actor: AuthUser): asserts actor is AuthUser & { orgId: string } {
  if (!actor.orgId) throw forbidden('Only an enterprise user of an organisation may list products');
}

/** Which enterprise's products a list shows: an enterprise its own catalogue; everyone else (hosts, associations picking what to feature) any. */
export function productListScope(actor: AuthUser, filter: { enterpriseId?: string; ids?: string[] }): string | null | undefined {
  if (actor.role === 'enterprise' && !filter.ids) return actor.orgId;
  return filter.enterpriseId;
}

type OwnedByEnterprise = { enterpriseId: unknown };

const ownsIt = (actor: AuthUser, record: OwnedByEnterprise) => actor.role === 'enterprise' && actor.orgId === String(record.enterpriseId);

/** A product's batches are recorded by its own enterprise only. */
export function assertCanRecordBatch(actor: AuthUser, product: OwnedByEnterprise): void {
  if (!ownsIt(actor, product)) throw forbidden("Only the product's own enterprise may record its batches");
}

/** A product's batches are listed by its enterprise, the bureau and auditors. */
export function assertCanListBatches(actor: AuthUser, product: OwnedByEnterprise): void {
  if (!ownsIt(actor, product) && !READ_ALL_ROLES.includes(actor.role))
    throw forbidden("Only the product's enterprise, the bureau and auditors may list its batches");
}

/** A batch's steps and photos are recorded by the batch's own enterprise only. */
export function assertCanRecordStep(actor: AuthUser, batch: OwnedByEnterprise): void {
  if (!ownsIt(actor, batch)) throw forbidden("Only the batch's own enterprise may record its steps");
}
