import type { HubContext } from '../../../platform/context.ts';
import { componentLogger } from '../../../platform/logger.ts';
import { UserModel } from '../user.model.ts';
import { createUser } from './createUser.ts';

/** First start: with no user at all, the bureau administrator comes from HUB_ADMIN_USERNAME/PASSWORD. */
export async function ensureFirstBureauUser(ctx: HubContext): Promise<boolean> {
  if ((await UserModel.estimatedDocumentCount()) > 0 && (await UserModel.exists({}))) return false;
  const username = ctx.config.HUB_ADMIN_USERNAME;
  try {
    await createUser(ctx, null, { username, password: ctx.config.HUB_ADMIN_PASSWORD, role: 'bureau', displayName: '县工信商务局管理员' });
    componentLogger('registry').info({ username }, 'created the first bureau user from HUB_ADMIN_USERNAME');
    return true;
  } catch (err) {
    // Another process created it at the same moment.
    if (err instanceof Error && 'status' in err && (err as { status: number }).status === 409) return false;
    throw err;
  }
}
