import type { AuthUser } from '../../../platform/auth/roles.ts';
import { notFound } from '../../../platform/errors.ts';
import { UserModel } from '../user.model.ts';
import { assertCanReadUser } from '../policies/userAccess.ts';
import { presentUser } from '../presenters/user.ts';

export type GetUserCommand = { userId: string };

export async function getUser(actor: AuthUser, command: GetUserCommand) {
  const user = await UserModel.findById(command.userId).lean();
  if (!user) throw notFound('User');
  assertCanReadUser(actor, { id: command.userId, orgId: user.orgId });
  return presentUser(user);
}
