import { z } from 'zod';
import type { RouteTable } from '../platform/http/routeTable.ts';
import type { HubContext } from '../platform/context.ts';
import { ROLES } from '../platform/auth/roles.ts';
import { login } from './loginService.ts';
import { registerSignupRoutes } from './signupRoutes.ts';
import { getUser } from '../registry/users/userService.ts';
import { UserResponse } from '../registry/users/userRoutes.ts';

const LoginBody = z.object({ username: z.string().min(1, 'must not be empty').max(64), password: z.string().min(1, 'must not be empty').max(128) }).strict().openapi('Login');
const LoginResponse = z
  .object({
    token: z.string(),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the token expires' }),
    user: z.object({ id: z.string(), username: z.string(), role: z.enum(ROLES), orgId: z.string().nullable(), displayName: z.string().nullable() }),
  })
  .openapi('LoginResult');

export function registerAuthRoutes(routes: RouteTable): void {
  registerSignupRoutes(routes);
  routes.route({
    method: 'post', path: '/auth/login', summary: 'Sign in; failed attempts are limited per user and per address (429 + Retry-After)',
    tags: ['auth'], access: 'public', body: LoginBody, response: LoginResponse,
    handler: ({ body, req }) => login(req.app.locals.ctx as HubContext, body.username, body.password, req.ip ?? 'unknown'),
  });
  routes.route({
    method: 'get', path: '/auth/me', summary: 'The signed-in user', tags: ['auth'], access: 'signed-in', response: UserResponse,
    handler: ({ user }) => getUser(user, user.id),
  });
}
