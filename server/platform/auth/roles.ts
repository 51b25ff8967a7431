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

/** Roles that may read everything (the auditor changes nothing). */
export const READ_ALL_ROLES: readonly Role[] = ['bureau', 'auditor'];

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthUser;
  }
}
