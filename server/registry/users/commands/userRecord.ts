import type { AuditEntry } from '../../../platform/audit/auditLog.ts';
import { recordChange } from '../../../platform/audit/outbox.ts';
import { disconnectUser, setUserState } from '../../../platform/auth/tokenState.ts';
import type { HubContext } from '../../../platform/context.ts';
import { notFound } from '../../../platform/errors.ts';
import { UserModel } from '../user.model.ts';

/**
 * Sets a user's password and/or active flag, raising the token version so every token issued before
 * stops working at once (HTTP and live sockets), also when the account is re-activated later.
 * Shared by updateUser and auth's own password change.
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
