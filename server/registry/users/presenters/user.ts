import { z } from 'zod';
import '../../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import { ROLES } from '../../../platform/auth/roles.ts';
import type { User, UserDocument } from '../user.model.ts';

/** A user as stored (a document or its lean form). */
export type StoredUser = UserDocument | (User & { _id: unknown });

/** The user as the API answers it (never the password hash or the token version). */
export function presentUser(user: StoredUser) {
  return {
    id: String(user._id),
    username: user.username,
    role: user.role,
    orgId: user.orgId ? String(user.orgId) : null,
    displayName: user.displayName ?? null,
    active: user.active,
    createdAt: user.createdAt?.toISOString?.() ?? null,
  };
}

/** The OpenAPI response schemas (also GET /auth/me's). */
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

export const UserListResponse = z.object({ items: z.array(UserResponse), nextCursor: z.string().nullable() });
