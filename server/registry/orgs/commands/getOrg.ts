import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import { OrgModel } from '../org.model.ts';
import { assertCanReadOrg } from '../policies/orgAccess.ts';
import { presentOrg } from '../presenters/org.ts';

export type GetOrgCommand = { orgId: string };

export async function getOrg(actor: AuthUser, command: GetOrgCommand) {
  assertCanReadOrg(actor, command.orgId);
  const org = await OrgModel.findById(command.orgId).lean();
  if (!org) throw notFound('Organisation');
  return presentOrg(org);
}
