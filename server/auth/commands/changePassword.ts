import { z } from 'zod';
import '../../platform/http/openapi.ts'; // extends zod with .openapi() before the schema below uses it
import { userRecord } from '../../registry/users/userReads.ts';
import { changeAccount } from '../../registry/users/commands/userRecord.ts';
import { passwordField } from '../../registry/users/commands/userInput.ts';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.ts';
import { HttpError, notFound, unauthenticated } from '../../platform/errors.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import type { HubContext } from '../../platform/context.ts';
import { issueSession, loginLimiter } from './session.ts';

export const ChangePasswordBody = z
  .object({ currentPassword: z.string().min(1, 'must not be empty').max(128), newPassword: passwordField('newPassword') })
  .strict()
  .openapi('ChangePassword');
/** `address` is the caller's IP: the current-password check is limited like sign-in. */
export type ChangePasswordCommand = z.output<typeof ChangePasswordBody> & { address: string };

/**
 * A user's own password change: the current password is checked (limited like sign-in), every older token
 * of the user stops working, and this caller gets a new one.
 */
export async function changePassword(ctx: HubContext, actor: AuthUser, command: ChangePasswordCommand) {
  const { currentPassword, newPassword, address } = command;
  const limiter = loginLimiter(ctx);
  await limiter.assertAllowed(actor.username, address);
  const user = await userRecord(actor.id);
  if (!user) throw notFound('User');
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new HttpError(400, 'wrong_password', 'Invalid field "currentPassword": it is not your current password', {
      fields: ['currentPassword'],
    });
  }
  await limiter.recordSuccess(actor.username, address);
  if (currentPassword === newPassword) {
    throw new HttpError(400, 'validation_failed', 'Invalid field "newPassword": it must differ from the current password', {
      fields: ['newPassword'],
    });
  }
  const updated = await changeAccount(
    ctx,
    actor.id,
    { passwordHash: await hashPassword(newPassword) },
    {
      actor,
      action: 'auth.password',
      target: { type: 'user', id: actor.id },
      after: { passwordChanged: true },
    },
  );
  if (updated.active === false) throw unauthenticated('This account is deactivated', 'deactivated');
  return (await issueSession(ctx, updated)).result;
}
