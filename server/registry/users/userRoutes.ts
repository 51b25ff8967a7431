import { keysetPaging } from '../../platform/http/keyset.ts';
import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, objectId } from '../../platform/http/schemas.ts';
import { ROLES } from '../../platform/auth/roles.ts';
import type { HubContext } from '../../platform/context.ts';
import { createUser, getUser, listUsers } from './userService.ts';
import { updateUser } from './updateUser.ts';

export const passwordField = (name = 'password') => z.string().min(8, `${name} must be at least 8 characters`).max(128);

const UpdateUserBody = z.object({ active: z.boolean().optional(), password: passwordField().optional() }).strict().openapi('UpdateUser');

const CreateUserBody = z
  .object({
    username: z
      .string()
      .trim()
      .min(3, 'must be at least 3 characters')
      .max(64)
      .regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits and _ . @ - only'),
    password: z.string().min(8, 'must be at least 8 characters').max(128),
    role: z.enum(ROLES),
    orgId: objectId('orgId').optional(),
    displayName: z.string().trim().min(1).max(64).optional(),
  })
  .strict()
  .openapi('CreateUser');

export const UserResponse = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    orgId: z.string().nullable(),
    displayName: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.string().nullable(),
  })
  .openapi('User');

export function registerUserRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/users',
    summary: 'Create a user account',
    tags: ['registry'],
    access: ['bureau'],
    body: CreateUserBody,
    status: 201,
    response: UserResponse,
    handler: ({ user, body, req }) => createUser(user, body, (req.app.locals.ctx as HubContext).config.HUB_BCRYPT_ROUNDS),
  });
  routes.route({
    method: 'get',
    path: '/users',
    summary: 'List users (bureau and auditor: all; others: their organisation)',
    tags: ['registry'],
    access: 'signed-in',
    query: z.object({ role: z.enum(ROLES).optional(), orgId: objectId('orgId').optional(), ...keysetPaging }).strict(),
    response: z.object({ items: z.array(UserResponse), nextCursor: z.string().nullable() }),
    handler: ({ user, query }) => listUsers(user, query),
  });
  routes.route({
    method: 'get',
    path: '/users/:id',
    summary: 'One user',
    tags: ['registry'],
    access: 'signed-in',
    params: idParams,
    response: UserResponse,
    handler: ({ user, params }) => getUser(user, params.id),
  });
  routes.route({
    method: 'patch',
    path: '/users/:id',
    summary: "Deactivate/re-activate a user or reset their password; the user's existing tokens stop working at once (HTTP and sockets)",
    tags: ['registry'],
    access: ['bureau'],
    params: idParams,
    body: UpdateUserBody,
    response: UserResponse,
    handler: ({ user, params, body, req }) => updateUser(req.app.locals.ctx as HubContext, user, params.id, body),
  });
}
