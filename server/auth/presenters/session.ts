import { z } from 'zod';
import '../../platform/http/openapi.ts'; // extends zod with .openapi() before the schemas below use it
import { ROLES } from '../../platform/auth/roles.ts';

/** What a sign-in, a password change and a sign-up answer about the user (a subset of GET /auth/me's). */
type SessionUser = { id: string; username: string; role: string; orgId: string | null; displayName: string | null };

/** The token (also set as the session cookie by the route) and the user it is for. */
export function presentSession(user: SessionUser, token: string, expiresIn: number) {
  return {
    token,
    expiresIn,
    user: { id: user.id, username: user.username, role: user.role, orgId: user.orgId, displayName: user.displayName },
  };
}

/** A new buyer's session: the mobile number is both the login name and the phone. */
export function presentSignup(session: { token: string; expiresIn: number }, userId: string, phone: string) {
  return {
    token: session.token,
    expiresIn: session.expiresIn,
    user: { id: userId, username: phone, phone, role: 'buyer' as const, orgId: null, displayName: null },
  };
}

/** The OpenAPI response schemas of POST /auth/login and POST /auth/password. */
export const SessionResponse = z
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

export const SignupResponse = z
  .object({
    token: z.string(),
    expiresIn: z.number().int(),
    user: z.object({
      id: z.string(),
      username: z.string(),
      phone: z.string(),
      role: z.literal('buyer'),
      orgId: z.null(),
      displayName: z.null(),
    }),
  })
  .openapi('SignupResult');

/** GET /auth/signup/challenge (signupChallenge.ts issues it). */
export const SignupChallengeResponse = z.object({ challenge: z.string(), bits: z.number().int(), expiresAt: z.string() });
