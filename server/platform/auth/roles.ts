import { forbidden } from '../errors.ts';

/** `buyer`: a member of the public who signed up with a mobile number (POST /auth/signup); sees only its own orders. */
export const ROLES = ['bureau', 'association', 'host', 'enterprise', 'auditor', 'buyer'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in caller, as carried by the bearer token. */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  orgId: string | null;
}

/** Roles that change nothing: no orders, no chat, no records (they may still sign out and change their password). */
export const READ_ONLY_ROLES: readonly Role[] = ['auditor'];

/** Throws 403 for a read-only role (the auditor changes nothing). */
export function assertMayChange(user: AuthUser): void {
  if (READ_ONLY_ROLES.includes(user.role)) {
    throw forbidden(`Role "${user.role}" changes nothing: it may only read`);
  }
}

/** Roles that may read everything (the auditor changes nothing). */
export const READ_ALL_ROLES: readonly Role[] = ['bureau', 'auditor'];

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthUser;
  }
}
