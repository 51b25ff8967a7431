import type { HubContext } from '../../../platform/context.ts';
import { hashPassword } from '../../../platform/auth/passwords.ts';
import { saveAudited } from '../../../platform/audit/outbox.ts';
import { conflict, isDuplicateKeyError } from '../../../platform/errors.ts';
import { UserModel } from '../user.model.ts';

export type RegisterBuyerCommand = { phone: string; password: string; address: string };

/**
 * A member of the public's `buyer` account (POST /auth/signup, after auth's limits and proof of work); the
 * mobile number is the login name. No actor argument: the event's actor is the new account itself.
 */
export async function registerBuyer(ctx: HubContext, command: RegisterBuyerCommand) {
  const { phone, password, address } = command;
  try {
    const user = new UserModel({ username: phone, passwordHash: await hashPassword(password), role: 'buyer', orgId: null });
    const id = String(user._id);
    await saveAudited(
      user,
      {
        actor: { id, username: phone, role: 'buyer' },
        action: 'auth.signup',
        target: { type: 'user', id },
        after: { role: 'buyer', address },
      },
      ctx,
    );
    return user;
  } catch (err) {
    if (isDuplicateKeyError(err))
      throw conflict('This mobile number already has an account: sign in instead', { fields: ['phone'] }, 'phone_taken');
    throw err;
  }
}
