import type { RequestHandler } from 'express';
import type { HubContext } from '../context.ts';
import { forbidden, unauthenticated } from '../errors.ts';
import type { Role } from './roles.ts';
import { verifyToken } from './tokens.ts';

/** Requires a valid bearer token and puts the caller on `req.user`. */
export const authenticate: RequestHandler = (req, _res, next) => {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) return next(unauthenticated());
  const ctx = req.app.locals.ctx as HubContext;
  const check = verifyToken(match[1]!, ctx.config.HUB_JWT_SECRET);
  if (!check.ok) {
    return next(unauthenticated(check.reason === 'expired' ? 'Token expired: sign in again' : 'Invalid token: sign in again'));
  }
  req.user = check.user;
  next();
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
