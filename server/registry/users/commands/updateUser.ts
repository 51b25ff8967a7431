import { z } from 'zod';
import type { HubContext } from '../../../platform/context.ts';
import type { AuthUser } from '../../../platform/auth/roles.ts';
import { hashPassword } from '../../../platform/auth/passwords.ts';
import { badRequest, notFound } from '../../../platform/errors.ts';
import { UserModel } from '../user.model.ts';
import { assertCanDeactivate } from '../policies/userAccess.ts';
import { presentUser } from '../presenters/user.ts';
import { passwordField } from './userInput.ts';
import { changeAccount } from './userRecord.ts';

export const UpdateUserBody = z
  .object({ active: z.boolean().optional(), password: passwordField().optional() })
  .strict()
  .openapi('UpdateUser');
export type UpdateUserCommand = { userId: string; changes: z.output<typeof UpdateUserBody> };

/** The bureau deactivates, re-activates or resets the password of an account; its tokens stop working at once. */
export async function updateUser(ctx: HubContext, actor: AuthUser, command: UpdateUserCommand) {
  const { userId, changes } = command;
  if (changes.active === undefined && changes.password === undefined)
    throw badRequest('Invalid field "active": send active and/or password');
  if (changes.active === false) assertCanDeactivate(actor, userId);
  if (!(await UserModel.exists({ _id: userId }))) throw notFound('User');
  const set: { active?: boolean; passwordHash?: string } = {};
  if (changes.active !== undefined) set.active = changes.active;
  if (changes.password !== undefined) set.passwordHash = await hashPassword(changes.password);
  const updated = await changeAccount(ctx, userId, set, {
    actor,
    action: 'user.update',
    target: { type: 'user', id: userId },
    after: {
      ...(changes.active !== undefined ? { active: changes.active } : {}),
      ...(changes.password !== undefined ? { passwordReset: true } : {}),
    },
  });
  return presentUser(updated);
}
