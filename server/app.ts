import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pinoHttp } from 'pino-http';
import type { HubContext } from './platform/context.ts';
import { openApiDocument } from './platform/http/openapi.ts';
import { errorHandler, HttpError } from './platform/errors.ts';
import { logger as defaultLogger, requestSerializer, responseSerializer } from './platform/logger.ts';
import type { Logger } from 'pino';
import { components } from './components.ts';
import { apiRouteTable } from './apiRoutes.ts';

/**
 * Scripts only from the hub itself (no inline or injected script runs); inline style attributes are allowed
 * (the pages and echarts set them). Images may be data:/blob: URLs (QR codes, evidence previews), media blob:
 * (players), connections only to the hub (API, Socket.IO websockets). WebRTC media is not governed by CSP.
 */
export function contentSecurityPolicy(mediaBaseUrl?: string): string {
  // Recordings and HLS served by a CDN (HUB_MEDIA_BASE_URL) are fetched by hls.js and played from there.
  const media = mediaBaseUrl ? ` ${new URL(mediaBaseUrl).origin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `media-src 'self' blob:${media}`,
    "font-src 'self' data:",
    `connect-src 'self'${media}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/**
 * Builds the Express app without listening, so tests import it. Everything it needs comes in `ctx`.
 */
export function createApp(ctx: HubContext, options: { logger?: Logger } = {}): Express {
  const logger = options.logger ?? defaultLogger;
  const csp = contentSecurityPolicy(ctx.config.HUB_MEDIA_BASE_URL);
  const app = express();
  app.locals.ctx = ctx;
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.HUB_TRUST_PROXY);
  // Query strings parse flat: `?a[$ne]=1` stays a string key, never an operator object.
  app.set('query parser', 'simple');

  // Requests are logged without headers, cookies, query objects or secret query values (platform/logger.ts).
  app.use(
    pinoHttp({
      logger,
      serializers: { req: requestSerializer, res: responseSerializer },
      wrapSerializers: false,
      autoLogging: { ignore: (req) => req.url === '/api/v1/health' },
    }),
  );
  app.use((req, res, next) => {
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'SAMEORIGIN' });
    // The job board (bureau only, its own bundled UI with inline boot scripts) is left out of the policy.
    if (!req.path.startsWith('/admin/')) res.set('Content-Security-Policy', csp);
    next();
  });
  app.use('/api', express.json({ limit: '1mb', strict: true }));

  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  app.use('/api/v1', apiRouteTable().router);
  for (const component of components) component.mount?.(app, ctx);

  app.use('/api', (req, _res, next) =>
    next(new HttpError(404, 'not_found', `No route ${req.method} ${req.originalUrl}; see /api/v1/openapi.json`)),
  );

  // The single-page client, when built: every non-API path falls back to index.html for the client router.
  const clientDir = path.resolve(ctx.config.HUB_CLIENT_DIR);
  if (existsSync(path.join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!api\/|socket\.io\/|admin\/).*/, (_req, res) => {
      res.sendFile(path.join(clientDir, 'index.html'));
    });
  }

  app.use(errorHandler);
  return app;
}
