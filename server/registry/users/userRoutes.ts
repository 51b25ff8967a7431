import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams } from '../../platform/http/schemas.ts';
import type { HubContext } from '../../platform/context.ts';
import { createUser, CreateUserBody } from './commands/createUser.ts';
import { listUsers, ListUsersQuery } from './commands/listUsers.ts';
import { getUser } from './commands/getUser.ts';
import { updateUser, UpdateUserBody } from './commands/updateUser.ts';
import { UserListResponse, UserResponse } from './presenters/user.ts';

/**
 * The account routes: each parses (the RouteTable validates with zod and checks the role), calls one command
 * and returns its presenter's shape; record-level checks live in policies/userAccess.ts, called by the commands.
 */

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

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
    handler: ({ req, user, body }) => createUser(ctxOf(req), user, body),
  });
  routes.route({
    method: 'get',
    path: '/users',
    summary: 'List users (bureau and auditor: all; others: their organisation)',
    tags: ['registry'],
    access: 'signed-in',
    query: ListUsersQuery,
    response: UserListResponse,
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
    handler: ({ user, params }) => getUser(user, { userId: params.id }),
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
    handler: ({ req, user, params, body }) => updateUser(ctxOf(req), user, { userId: params.id, changes: body }),
  });
}
