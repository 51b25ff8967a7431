import type { TokenSession } from '../../platform/auth/tokens.ts';
import { revokeToken } from '../../platform/auth/tokenState.ts';
import { appendAudit } from '../../platform/audit/auditLog.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import type { HubContext } from '../../platform/context.ts';

/** The token being signed out (absent when the caller's token carries none); the route clears the cookie. */
export type LogoutCommand = { tokenSession: TokenSession | undefined };

/** Signs this token out: it stops working at once, and its live sockets are closed. */
export async function logout(ctx: HubContext, actor: AuthUser, command: LogoutCommand): Promise<void> {
  if (command.tokenSession) await revokeToken(ctx, command.tokenSession);
  await appendAudit({ actor, action: 'auth.logout', target: { type: 'user', id: actor.id } });
}
