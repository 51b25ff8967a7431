import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { ROLES, type AuthUser } from './roles.ts';

const claimsSchema = z.object({
  sub: z.string(),
  username: z.string(),
  role: z.enum(ROLES),
  orgId: z.string().nullable(),
});

export function issueToken(user: AuthUser, secret: string, ttlSeconds: number): string {
  return jwt.sign({ username: user.username, role: user.role, orgId: user.orgId }, secret, {
    subject: user.id,
    expiresIn: ttlSeconds,
    algorithm: 'HS256',
    issuer: 'dehua-live-hub',
  });
}

export type TokenCheck = { ok: true; user: AuthUser } | { ok: false; reason: 'expired' | 'invalid' };

export function verifyToken(token: string, secret: string): TokenCheck {
  try {
    const decoded = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: 'dehua-live-hub' });
    const claims = claimsSchema.safeParse(decoded);
    if (!claims.success) return { ok: false, reason: 'invalid' };
    const { sub, username, role, orgId } = claims.data;
    return { ok: true, user: { id: sub, username, role, orgId } };
  } catch (err) {
    return { ok: false, reason: err instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
}
