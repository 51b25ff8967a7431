import { z } from 'zod';
import type { RouteTable } from '../platform/http/routeTable.ts';
import type { HubContext } from '../platform/context.ts';
import { ROLES } from '../platform/auth/roles.ts';
import { login } from './loginService.ts';
import { changeOwnPassword, logout, setSessionCookie } from './accountService.ts';
import { registerSignupRoutes } from './signupRoutes.ts';
import { getUser } from '../registry/users/commands/getUser.ts';
import { passwordField } from '../registry/users/commands/userInput.ts';
import { UserResponse } from '../registry/users/presenters/user.ts';

const LoginBody = z
  .object({ username: z.string().min(1, 'must not be empty').max(64), password: z.string().min(1, 'must not be empty').max(128) })
  .strict()
  .openapi('Login');
const LoginResponse = z
  .object({
    token: z.string(),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the token expires' }),
    user: z.object({
      id: z.string(),
      username: z.string(),
      role: z.enum(ROLES),
      orgId: z.string().nullable(),
      displayName: z.string().nullable(),
    }),
  })
  .openapi('LoginResult');
const PasswordBody = z
  .object({ currentPassword: z.string().min(1, 'must not be empty').max(128), newPassword: passwordField('newPassword') })
  .strict()
  .openapi('ChangePassword');

export function registerAuthRoutes(routes: RouteTable): void {
  registerSignupRoutes(routes);
  routes.route({
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in; attempts are limited per user and per address (429 + Retry-After). Also sets the browser session cookie (HttpOnly)',
    tags: ['auth'],
    access: 'public',
    body: LoginBody,
    response: LoginResponse,
    handler: async ({ body, req, res }) => {
      const ctx = req.app.locals.ctx as HubContext;
      const result = await login(ctx, body.username, body.password, req.ip ?? 'unknown');
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
      await logout(req.app.locals.ctx as HubContext, user, req, res);
      res.status(204).end();
    },
  });
  routes.route({
    method: 'post',
    path: '/auth/password',
    summary: 'Change your own password: every other token of yours stops working; the answer carries a new token',
    tags: ['auth'],
    access: 'signed-in',
    body: PasswordBody,
    response: LoginResponse,
    handler: async ({ user, body, req, res }) => {
      const ctx = req.app.locals.ctx as HubContext;
      const result = await changeOwnPassword(ctx, user, body.currentPassword, body.newPassword, req.ip ?? 'unknown');
      setSessionCookie(req, res, result.token, result.expiresIn);
      return result;
    },
  });
}
