import type { Request, Response } from 'express';
import { userRecord } from '../registry/users/userReads.ts';
import { changeAccount } from '../registry/users/commands/userRecord.ts';
import { hashPassword, verifyPassword } from '../platform/auth/passwords.ts';
import { SESSION_COOKIE } from '../platform/auth/cookies.ts';
import { revokeToken } from '../platform/auth/tokenState.ts';
import { appendAudit } from '../platform/audit/auditLog.ts';
import { HttpError, notFound, unauthenticated } from '../platform/errors.ts';
import type { AuthUser } from '../platform/auth/roles.ts';
import type { HubContext } from '../platform/context.ts';
import { issueSession, loginLimiter } from './loginService.ts';

/** The browser keeps its token in an HttpOnly SameSite=Strict cookie that page scripts cannot read. */
export function setSessionCookie(req: Request, res: Response, token: string, ttlSeconds: number): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: ttlSeconds * 1000 });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

/** Signs this token out: it stops working at once, and its live sockets are closed. */
export async function logout(ctx: HubContext, actor: AuthUser, req: Request, res: Response): Promise<void> {
  if (req.tokenSession) await revokeToken(ctx, req.tokenSession);
  clearSessionCookie(req, res);
  await appendAudit({ actor, action: 'auth.logout', target: { type: 'user', id: actor.id } });
}

/**
 * A user's own password change: the current password is checked (limited like sign-in), every older token
 * of the user stops working, and this caller gets a new one.
 */
export async function changeOwnPassword(ctx: HubContext, actor: AuthUser, currentPassword: string, newPassword: string, address: string) {
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
