import path from 'node:path';
import express, { type Express } from 'express';
import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams } from '../../platform/http/schemas.ts';
import type { HubContext } from '../../platform/context.ts';
import { HttpError, notFound } from '../../platform/errors.ts';
import { LiveSessionModel } from '../sessions/session.model.ts';
import { mediaRoot, pruneMedia, sessionMedia } from './recordingStore.ts';
import { sessionShelf } from '../sessions/sessionService.ts';
import { ingestInfo, rotateIngestKey } from './ingest.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

const MediaResponse = z.object({
  live: z.object({ hls: z.string().nullable() }),
  replay: z.object({
    status: z.enum(['none', 'recording', 'processing', 'ready', 'failed']),
    durationS: z.number().optional(), mp4: z.string().optional(), hls: z.string().optional(),
    chapters: z.array(z.object({ productId: z.string(), startS: z.number(), endS: z.number() })),
    clips: z.array(z.object({ productId: z.string(), url: z.string(), durationS: z.number(), startS: z.number() })),
    bytes: z.number().int(), error: z.string().nullable(),
  }),
}).openapi('SessionMedia');

export function registerMediaRoutes(routes: RouteTable): void {
  routes.route({
    method: 'get', path: '/public/sessions/:id/media', summary: 'Live HLS while live; the replay, its chapters and per-product clips after', tags: ['public'],
    access: 'public', params: idParams, response: MediaResponse,
    handler: async ({ req, params }) => {
      const session = await LiveSessionModel.findById(params.id, { status: 1 }).lean();
      if (!session) throw notFound('Session');
      return sessionMedia(ctxOf(req).config, params.id, session.status);
    },
  });
  routes.route({
    method: 'get', path: '/public/sessions/:id/replay', summary: 'What the replay page shows beside the media: the session and its shelf', tags: ['public'],
    access: 'public', params: idParams,
    handler: async ({ req, params }) => {
      const session = await LiveSessionModel.findById(params.id, { title: 1, status: 1, startsAt: 1, endsAt: 1, startedAt: 1, endedAt: 1, productIds: 1 }).lean();
      if (!session) throw notFound('Session');
      const ctx = ctxOf(req);
      return {
        session: {
          id: params.id, title: session.title, status: session.status, startsAt: session.startsAt.toISOString(), endsAt: session.endsAt.toISOString(),
          startedAt: session.startedAt?.toISOString() ?? null, endedAt: session.endedAt?.toISOString() ?? null,
        },
        shelf: await sessionShelf(ctx, (session.productIds ?? []).map(String)),
        media: await sessionMedia(ctx.config, params.id, session.status),
      };
    },
  });
  const IngestResponse = z.object({ rtmpUrl: z.string().nullable(), streamKey: z.string(), whipUrl: z.string().nullable() }).openapi('SessionIngest');
  routes.route({
    method: 'get', path: '/sessions/:id/ingest', summary: 'RTMP address and stream key for OBS or an encoder (the session\'s host only)', tags: ['sessions'],
    access: ['host'], params: idParams, response: IngestResponse,
    handler: ({ req, user, params }) => ingestInfo(ctxOf(req), user, params.id, req.headers.host),
  });
  routes.route({
    method: 'post', path: '/sessions/:id/ingest/rotate', summary: 'A new stream key; the old one is refused from now on', tags: ['sessions'],
    access: ['host'], params: idParams, response: IngestResponse,
    handler: ({ req, user, params }) => rotateIngestKey(ctxOf(req), user, params.id, req.headers.host),
  });
  routes.route({
    method: 'get', path: '/media/storage', summary: 'Disk used by recordings against the budget; prunes what retention or the budget requires', tags: ['sessions'],
    access: ['bureau', 'association'],
    handler: ({ req }) => pruneMedia(ctxOf(req).config),
  });
}

/**
 * Recordings, clips and HLS segments as static files any CDN can cache: segments and clips never
 * change once written (immutable), the live playlist changes every segment (1 s), VOD playlists rarely.
 */
export function mountMedia(app: Express, ctx: HubContext): void {
  app.use('/media', express.static(mediaRoot(ctx.config), {
    index: false, dotfiles: 'deny', fallthrough: true,
    setHeaders: (res, file) => {
      const live = file.split(path.sep).includes('live');
      if (file.endsWith('.m3u8')) res.setHeader('Cache-Control', live ? 'public, max-age=1' : 'public, max-age=60');
      else if (file.endsWith('.ts') || file.endsWith('.m4s') || file.includes(`${path.sep}clips${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'public, max-age=3600');
      if (file.endsWith('.m3u8')) res.setHeader('Content-Type', 'application/vnd.apple.mpegurl');
      if (file.endsWith('.ts')) res.setHeader('Content-Type', 'video/mp2t');
      res.setHeader('Access-Control-Allow-Origin', '*');
    },
  }));
  app.use('/media', (req, _res, next) => next(new HttpError(404, 'not_found', `No media file ${req.originalUrl}`)));
}
