import { hashPassword } from '../../../platform/auth/passwords.ts';
import { UserModel } from '../user.model.ts';

/**
 * Replaces an old (bcrypt) hash by one of the current scheme once sign-in knows the password; only if nobody
 * changed it meanwhile. Unaudited: the password is the same.
 */
export async function rehashPassword(userId: unknown, oldHash: string, password: string): Promise<void> {
  await UserModel.updateOne({ _id: userId, passwordHash: oldHash }, { $set: { passwordHash: await hashPassword(password) } });
}
