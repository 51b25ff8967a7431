import { z } from 'zod';
import { ROLES, type AuthUser } from '../../../platform/auth/roles.ts';
import { idAfter, idPage, keysetPaging } from '../../../platform/http/keyset.ts';
import { objectId } from '../../../platform/http/schemas.ts';
import { UserModel } from '../user.model.ts';
import { userListScope } from '../policies/userAccess.ts';
import { presentUser } from '../presenters/user.ts';

export const ListUsersQuery = z.object({ role: z.enum(ROLES).optional(), orgId: objectId('orgId').optional(), ...keysetPaging }).strict();
export type ListUsersCommand = z.output<typeof ListUsersQuery>;

/** Users in creation (_id) order, keyset-paged. */
export async function listUsers(actor: AuthUser, command: ListUsersCommand) {
  const query: Record<string, unknown> = {};
  if (command.role) query.role = command.role;
  const orgId = userListScope(actor, command.orgId);
  if (orgId) query.orgId = orgId;
  const rows = await UserModel.find({ ...query, ...idAfter(command.cursor, 1) })
    .sort({ _id: 1 })
    .limit(command.limit + 1)
    .lean();
  const { page, nextCursor } = idPage(rows, command.limit);
  return { items: page.map(presentUser), nextCursor };
}
