import type { Express, RequestHandler } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { HubContext } from '../platform/context.ts';
import { verifyToken } from '../platform/auth/tokens.ts';
import { claimQueues } from './processors/queues.ts';

export const BULL_BOARD_PATH = '/admin/queues';
const COOKIE = 'token';

function cookieToken(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/**
 * Bull Board for bureau users only. A browser cannot send a bearer header on navigation, so the
 * board also accepts `?token=<JWT>` once: it moves the token into an HttpOnly, SameSite=Strict cookie
 * scoped to /admin/queues and redirects to the URL without it (so the token leaves the address bar).
 */
export function bullBoardAuth(ctx: HubContext): RequestHandler {
  return (req, res, next) => {
    const header = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const query = typeof req.query.token === 'string' ? req.query.token : null;
    const token = header ?? query ?? cookieToken(req.headers.cookie);
    const deny = (status: number, message: string) => res.status(status).json({ error: { code: status === 401 ? 'unauthenticated' : 'forbidden', message } });
    if (!token) return deny(401, 'Sign in as a bureau user: send Authorization: Bearer <token>, or open /admin/queues?token=<token>');
    const check = verifyToken(token, ctx.config.HUB_JWT_SECRET);
    if (!check.ok) return deny(401, 'Invalid or expired token: sign in again');
    if (check.user.role !== 'bureau') return deny(403, 'The job dashboard is for bureau users only');
    if (query) {
      res.cookie(COOKIE, query, { httpOnly: true, sameSite: 'strict', path: BULL_BOARD_PATH, secure: req.secure, maxAge: ctx.config.HUB_TOKEN_TTL_SECONDS * 1000 });
      const url = new URL(req.originalUrl, 'http://hub.local');
      url.searchParams.delete('token');
      return res.redirect(303, url.pathname + url.search);
    }
    next();
  };
}

export function mountBullBoard(app: Express, ctx: HubContext): void {
  const { assess, maintenance } = claimQueues(ctx);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(assess), new BullMQAdapter(maintenance)], serverAdapter });
  app.use(BULL_BOARD_PATH, bullBoardAuth(ctx), serverAdapter.getRouter());
}
