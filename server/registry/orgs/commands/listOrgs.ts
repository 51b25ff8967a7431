import { z } from 'zod';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { idAfter, idPage, keysetPaging } from '../../../platform/http/keyset.ts';
import { ORG_TYPES, OrgModel } from '../org.model.ts';
import { orgListScope } from '../policies/orgAccess.ts';
import { presentOrg } from '../presenters/org.ts';

export const ListOrgsQuery = z.object({ type: z.enum(ORG_TYPES).optional(), ...keysetPaging }).strict();
export type ListOrgsCommand = z.output<typeof ListOrgsQuery>;

/** Organisations in registration (_id) order, keyset-paged; others than bureau and auditor see their own. */
export async function listOrgs(actor: AuthUser, command: ListOrgsCommand) {
  const query: Record<string, unknown> = {};
  if (command.type) query.type = command.type;
  if (orgListScope(actor) === 'own') {
    if (!actor.orgId || command.cursor !== undefined) return { items: [], nextCursor: null };
    const own = await OrgModel.find({ ...query, _id: actor.orgId }).lean();
    return { items: own.map(presentOrg), nextCursor: null };
  }
  const rows = await OrgModel.find({ ...query, ...idAfter(command.cursor, 1) })
    .sort({ _id: 1 })
    .limit(command.limit + 1)
    .lean();
  const { page, nextCursor } = idPage(rows, command.limit);
  return { items: page.map(presentOrg), nextCursor };
}
