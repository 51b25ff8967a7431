import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../platform/auth/cookies.ts';

/** The browser keeps its token in an HttpOnly SameSite=Strict cookie that page scripts cannot read. */
export function setSessionCookie(req: Request, res: Response, token: string, ttlSeconds: number): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: ttlSeconds * 1000 });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}
