import { randomBytes } from 'node:crypto';
import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { HubContext } from '../platform/context.ts';
import type { RouteTable } from '../platform/http/routeTable.ts';
import { readCookie } from '../platform/auth/cookies.ts';
import { authenticateToken, checkSession } from '../platform/auth/tokenState.ts';
import { userRecord } from '../registry/users/userReads.ts';
import { claimQueues } from './processors/queues.ts';

export const BULL_BOARD_PATH = '/admin/queues';
/** The board's own cookie: a random board-session id, never a JWT. */
export const BOARD_COOKIE = 'hub_board';
export const BOARD_CODE_TTL_SECONDS = 60;
const BOARD_SESSION_TTL_SECONDS = 3600;

const codeKey = (ctx: HubContext, code: string) => `${ctx.config.REDIS_PREFIX}:board:code:${code}`;
const sessionKey = (ctx: HubContext, id: string) => `${ctx.config.REDIS_PREFIX}:board:session:${id}`;
const randomId = () => randomBytes(24).toString('base64url');

/** A one-time code (Redis, 60 s, single use) for the signed-in bureau user to open the board in a browser. */
export async function issueBoardCode(ctx: HubContext, userId: string) {
  const code = randomId();
  await ctx.redis.set(codeKey(ctx, code), userId, 'EX', BOARD_CODE_TTL_SECONDS);
  return { code, url: `${BULL_BOARD_PATH}?code=${code}`, expiresIn: BOARD_CODE_TTL_SECONDS };
}

export function registerBoardRoutes(routes: RouteTable): void {
  routes.route({
    method: 'post',
    path: '/admin/queues/code',
    summary: 'A one-time code (60 s, single use) to open the job dashboard: open the returned url in the browser',
    tags: ['claims'],
    access: ['bureau'],
    status: 201,
    response: z.object({ code: z.string(), url: z.string(), expiresIn: z.number().int() }).openapi('BoardCode'),
    handler: ({ user, req }) => issueBoardCode(req.app.locals.ctx as HubContext, user.id),
  });
}

/** The bureau user behind a board session, if still an active bureau user with the same token version. */
async function boardSessionUser(ctx: HubContext, id: string): Promise<boolean> {
  const raw = await ctx.redis.get(sessionKey(ctx, id));
  if (!raw) return false;
  const [userId, version] = raw.split(':');
  const user = await userRecord(userId);
  if (!user || user.role !== 'bureau') return false;
  const state = await checkSession(
    ctx,
    { id: String(user._id), username: user.username, role: 'bureau', orgId: null },
    {
      jti: null,
      tokenVersion: Number(version),
      exp: 0,
    },
  );
  return state === 'ok';
}

/**
 * Bull Board for bureau users only. API clients send `Authorization: Bearer <token>`. A browser opens
 * `/admin/queues?code=<one-time code>` (from POST /api/v1/admin/queues/code): the code is spent, the board
 * sets its own HttpOnly SameSite=Strict cookie (a random board-session id scoped to /admin/queues) and
 * redirects to the URL without the code. No token is ever put in a URL or in the board cookie.
 */
export function bullBoardAuth(ctx: HubContext): RequestHandler {
  return (req, res, next) => {
    const deny = (status: number, message: string) =>
      res.status(status).json({ error: { code: status === 401 ? 'unauthenticated' : 'forbidden', message, params: {} } });
    const run = async () => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (bearer) {
        const result = await authenticateToken(ctx, bearer);
        if (!result.ok) return deny(401, result.message);
        if (result.user.role !== 'bureau') return deny(403, 'The job dashboard is for bureau users only');
        return next();
      }
      const code = typeof req.query.code === 'string' ? req.query.code : null;
      if (code) {
        const userId = await ctx.redis.getdel(codeKey(ctx, code));
        if (!userId) return deny(401, 'This dashboard link has expired or was used already: open the dashboard again from the hub');
        const user = await userRecord(userId);
        if (!user || user.role !== 'bureau' || user.active === false) return deny(403, 'The job dashboard is for bureau users only');
        const id = randomId();
        await ctx.redis.set(sessionKey(ctx, id), `${userId}:${user.tokenVersion ?? 0}`, 'EX', BOARD_SESSION_TTL_SECONDS);
        res.cookie(BOARD_COOKIE, id, {
          httpOnly: true,
          sameSite: 'strict',
          path: BULL_BOARD_PATH,
          secure: req.secure,
          maxAge: BOARD_SESSION_TTL_SECONDS * 1000,
        });
        const url = new URL(req.originalUrl, 'http://hub.local');
        url.searchParams.delete('code');
        return res.redirect(303, url.pathname + url.search);
      }
      const boardSession = readCookie(req.headers.cookie, BOARD_COOKIE);
      if (boardSession && (await boardSessionUser(ctx, boardSession))) return next();
      // A person opening the board in a browser gets a sign-in page, not JSON.
      if (req.accepts(['json', 'html']) === 'html') return res.status(401).type('html').send(signInPage());
      return deny(
        401,
        'Sign in as a bureau user and open the job dashboard from the hub (a one-time link), or send Authorization: Bearer <token>',
      );
    };
    run().catch(next);
  };
}

/**
 * The board's sign-in page for a browser that brings no board session: it sends the person to sign in and open the
 * board from the claims page, whose link carries a one-time code.
 */
function signInPage(): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>任务队列 · 请登录</title><style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;background:#f5f3ef;color:#1f2933;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
main{background:#fff;border:1px solid #d9dee4;border-radius:8px;padding:1.5rem 2rem;max-width:26rem}a.button{display:inline-block;background:#b83227;color:#fff;padding:.5rem 1.1rem;border-radius:6px;text-decoration:none}</style></head>
<body><main data-testid="queues-sign-in"><h1>任务队列</h1><p>任务队列面板仅供县工信商务局用户使用：请登录后，从申报页面的“任务队列”链接打开（一次性链接）。</p><p lang="en">The job dashboard is for bureau users: sign in, then open it from the claims page's job dashboard link (a one-time link).</p>
<p><a class="button" href="/login?next=%2Fclaims">登录 · Sign in</a></p></main></body></html>`;
}

export function mountBullBoard(app: Express, ctx: HubContext): void {
  const { assess, maintenance } = claimQueues(ctx);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(assess), new BullMQAdapter(maintenance)], serverAdapter });
  app.use(BULL_BOARD_PATH, bullBoardAuth(ctx), serverAdapter.getRouter());
}
