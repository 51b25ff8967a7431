import type { RequestHandler } from 'express';
import type { HubContext } from '../context.ts';
import { forbidden, unauthenticated } from '../errors.ts';
import type { Role } from './roles.ts';
import type { TokenSession } from './tokens.ts';
import { requestToken } from './cookies.ts';
import { authenticateToken } from './tokenState.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified token's id, version and expiry (for sign-out). */
    tokenSession?: TokenSession;
  }
}

/**
 * Requires a valid token (an `Authorization: Bearer` header, or the browser's HttpOnly session cookie) whose
 * user is still active and whose version and id are not revoked (checked in Redis on every request), and
 * puts the caller on `req.user`.
 */
export const authenticate: RequestHandler = (req, _res, next) => {
  const token = requestToken(req.headers);
  if (!token) return next(unauthenticated());
  const ctx = req.app.locals.ctx as HubContext;
  authenticateToken(ctx, token).then((result) => {
    if (!result.ok) return next(unauthenticated(result.message));
    req.user = result.user;
    req.tokenSession = result.session;
    next();
  }, next);
};

export function authorize(roles: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) return next(unauthenticated());
    if (!roles.includes(req.user.role)) {
      return next(forbidden(`Role "${req.user.role}" may not do this; allowed: ${roles.join(', ')}`));
    }
    next();
  };
}
