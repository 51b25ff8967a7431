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
    const deny = (status: number, message: string) => res.status(status).json({ error: { code: status === 401 ? 'unauthenticated' : 'forbidden', message, params: {} } });
    // A person opening the board in a browser gets a sign-in page, not JSON.
    if (!token && req.accepts(['json', 'html']) === 'html') return res.status(401).type('html').send(signInPage());
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

/**
 * The board's sign-in page: a bureau user already signed in to the hub is passed on with their session's
 * token (moved into the board's cookie by the redirect above); anyone else is sent to the hub's sign-in.
 */
function signInPage(): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>任务队列 · 请登录</title><style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;background:#f5f3ef;color:#1f2933;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
main{background:#fff;border:1px solid #d9dee4;border-radius:8px;padding:1.5rem 2rem;max-width:26rem}a.button{display:inline-block;background:#b83227;color:#fff;padding:.5rem 1.1rem;border-radius:6px;text-decoration:none}</style></head>
<body><main data-testid="queues-sign-in"><h1>任务队列</h1><p>任务队列面板仅供县工信商务局用户使用，请先登录。</p><p lang="en">The job dashboard is for bureau users: sign in first.</p>
<p><a class="button" href="/login?next=%2Fadmin%2Fqueues">登录 · Sign in</a></p></main></body></html>`;
}

export function mountBullBoard(app: Express, ctx: HubContext): void {
  const { assess, maintenance } = claimQueues(ctx);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(assess), new BullMQAdapter(maintenance)], serverAdapter });
  app.use(BULL_BOARD_PATH, bullBoardAuth(ctx), serverAdapter.getRouter());
}
