import { UserModel, userDto } from './user.model.ts';
import { hashPassword } from '../../platform/auth/passwords.ts';
import { disconnectUser, setUserState } from '../../platform/auth/tokenState.ts';
import type { AuditEntry } from '../../platform/audit/auditLog.ts';
import { recordChange } from '../../platform/audit/outbox.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import type { HubContext } from '../../platform/context.ts';

export interface UpdateUserCommand {
  active?: boolean;
  password?: string;
}

/**
 * Sets a user's password and/or active flag, raising the token version so every token issued before
 * stops working at once (HTTP and live sockets), also when the account is re-activated later.
 */
export async function changeAccount(
  ctx: HubContext,
  userId: string,
  set: { active?: boolean; passwordHash?: string },
  audit: Omit<AuditEntry, 'source' | 'at'>,
) {
  // The change and its audit event are one update (the audit outbox).
  const updated = await recordChange(ctx, { model: UserModel, id: userId, audit }, (entry) =>
    UserModel.findByIdAndUpdate(
      userId,
      { $set: { ...set, [`pendingAudit.${entry.id}`]: entry }, $inc: { tokenVersion: 1 } },
      { new: true },
    ).lean(),
  );
  if (!updated) throw notFound('User');
  await setUserState(ctx, userId, { active: updated.active !== false, tokenVersion: updated.tokenVersion ?? 0 });
  disconnectUser(ctx, userId);
  return updated;
}

export async function updateUser(ctx: HubContext, actor: AuthUser, userId: string, command: UpdateUserCommand) {
  if (command.active === undefined && command.password === undefined)
    throw badRequest('Invalid field "active": send active and/or password');
  if (command.active === false && userId === actor.id) {
    throw conflict('You cannot deactivate your own account; ask another bureau user', { fields: ['active'] }, 'cannot_deactivate_self');
  }
  if (!(await UserModel.exists({ _id: userId }))) throw notFound('User');
  const set: { active?: boolean; passwordHash?: string } = {};
  if (command.active !== undefined) set.active = command.active;
  if (command.password !== undefined) set.passwordHash = await hashPassword(command.password);
  const updated = await changeAccount(ctx, userId, set, {
    actor,
    action: 'user.update',
    target: { type: 'user', id: userId },
    after: {
      ...(command.active !== undefined ? { active: command.active } : {}),
      ...(command.password !== undefined ? { passwordReset: true } : {}),
    },
  });
  return userDto(updated);
}
