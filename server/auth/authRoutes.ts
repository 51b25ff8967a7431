import type { RouteTable } from '../platform/http/routeTable.ts';
import type { HubContext } from '../platform/context.ts';
import { login, LoginBody } from './commands/login.ts';
import { logout } from './commands/logout.ts';
import { changePassword, ChangePasswordBody } from './commands/changePassword.ts';
import { SessionResponse } from './presenters/session.ts';
import { clearSessionCookie, setSessionCookie } from './sessionCookie.ts';
import { registerSignupRoutes } from './signupRoutes.ts';
import { getUser } from '../registry/users/commands/getUser.ts';
import { UserResponse } from '../registry/users/presenters/user.ts';

/**
 * The sign-in routes: each parses, calls one command and returns its presenter's shape; the routes own the
 * session cookie (an HTTP detail the commands never see).
 */

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

export function registerAuthRoutes(routes: RouteTable): void {
  registerSignupRoutes(routes);
  routes.route({
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in; attempts are limited per user and per address (429 + Retry-After). Also sets the browser session cookie (HttpOnly)',
    tags: ['auth'],
    access: 'public',
    body: LoginBody,
    response: SessionResponse,
    handler: async ({ body, req, res }) => {
      const result = await login(ctxOf(req), { ...body, address: req.ip ?? 'unknown' });
      setSessionCookie(req, res, result.token, result.expiresIn);
      return result;
    },
  });
  routes.route({
    method: 'get',
    path: '/auth/me',
    summary: 'The signed-in user',
    tags: ['auth'],
    access: 'signed-in',
    response: UserResponse,
    handler: ({ user }) => getUser(user, { userId: user.id }),
  });
  routes.route({
    method: 'post',
    path: '/auth/logout',
    summary: 'Sign out: this token stops working at once (its live sockets close too)',
    tags: ['auth'],
    access: 'signed-in',
    status: 204,
    handler: async ({ user, req, res }) => {
      await logout(ctxOf(req), user, { tokenSession: req.tokenSession });
      clearSessionCookie(req, res);
      res.status(204).end();
    },
  });
  routes.route({
    method: 'post',
    path: '/auth/password',
    summary: 'Change your own password: every other token of yours stops working; the answer carries a new token',
    tags: ['auth'],
    access: 'signed-in',
    body: ChangePasswordBody,
    response: SessionResponse,
    handler: async ({ user, body, req, res }) => {
      const result = await changePassword(ctxOf(req), user, { ...body, address: req.ip ?? 'unknown' });
      setSessionCookie(req, res, result.token, result.expiresIn);
      return result;
    },
  });
}
