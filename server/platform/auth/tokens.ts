import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { ROLES, type AuthUser } from './roles.ts';

const claimsSchema = z.object({
  sub: z.string(),
  username: z.string(),
  role: z.enum(ROLES),
  orgId: z.string().nullable(),
  /** The user's token version when issued (absent in tokens from before versions: 0). */
  tv: z.number().int().min(0).optional(),
  jti: z.string().optional(),
  exp: z.number().int(),
});

/**
 * `tokenVersion` is the user's version at sign-in: deactivation and password changes raise it, which ends
 * every older token (tokenState.ts). Each token has its own id (`jti`), so signing out ends just that one.
 */
export function issueToken(user: AuthUser, secret: string, ttlSeconds: number, tokenVersion = 0): string {
  return jwt.sign({ username: user.username, role: user.role, orgId: user.orgId, tv: tokenVersion }, keyFor(secret), {
    jwtid: randomUUID(),
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

/** What the token says about itself, for revocation checks. */
export interface TokenSession {
  jti: string | null;
  tokenVersion: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type TokenCheck = { ok: true; user: AuthUser; session: TokenSession } | { ok: false; reason: 'expired' | 'invalid' };

export function verifyToken(token: string, secret: string): TokenCheck {
  try {
    const decoded = jwt.verify(token, keyFor(secret), { algorithms: ['HS256'], issuer: 'dehua-live-hub' });
    const claims = claimsSchema.safeParse(decoded);
    if (!claims.success) return { ok: false, reason: 'invalid' };
    const { sub, username, role, orgId, tv, jti, exp } = claims.data;
    return { ok: true, user: { id: sub, username, role, orgId }, session: { jti: jti ?? null, tokenVersion: tv ?? 0, exp } };
  } catch (err) {
    return { ok: false, reason: err instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
}
