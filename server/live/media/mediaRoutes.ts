import path from 'node:path';
import express, { type Express, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { RouteTable } from '../../platform/http/routeTable.ts';
import { idParams, objectId } from '../../platform/http/schemas.ts';
import type { HubContext } from '../../platform/context.ts';
import { HttpError, notFound } from '../../platform/errors.ts';
import { LiveSessionModel, SESSION_STATUSES } from '../sessions/session.model.ts';
import { PRODUCT_CATEGORIES } from '../../commerce/products/product.model.ts';
import { mediaRoot, pruneMedia, sessionMedia } from './recordingStore.ts';
import { sessionShelf } from '../sessions/sessionReads.ts';
import { ingestInfo, rotateIngestKey } from './ingest.ts';
import type { WhipIngest } from './whip.ts';

const ctxOf = (req: { app: { locals: Record<string, unknown> } }) => req.app.locals.ctx as HubContext;

/** The origin the client used (behind a trusted proxy, its protocol and host). */
const originOf = (req: Request) => `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;

function whipOf(req: Request): WhipIngest {
  const whip = ctxOf(req).services.liveWhip as WhipIngest | undefined;
  if (!whip)
    throw new HttpError(503, 'media_unavailable', 'Live video is off on this hub (no mediasoup worker): WHIP ingest is unavailable');
  return whip;
}

/** Browser encoders post from other origins: CORS on every WHIP answer, errors included (RFC 9725 §4.1). */
const whipCors: RequestHandler = (_req, res, next) => {
  res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Location, Accept-Patch, Allow' });
  next();
};
const WHIP_PREFLIGHT = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, DELETE, PATCH, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match',
  'Access-Control-Max-Age': '86400',
};
// The SDP is read as text whatever its declared type; the handler names a wrong type (415).
const sdpBody = express.text({ type: () => true, limit: '64kb' });
const whipQuery = z.object({ session: objectId('session').optional() }).strict();
const whipResourceParams = z.object({ id: objectId(), resourceId: z.string().uuid('resourceId must be a WHIP resource id') }).strict();

const MediaResponse = z
  .object({
    live: z.object({ hls: z.string().nullable() }),
    replay: z.object({
      status: z.enum(['none', 'recording', 'processing', 'ready', 'failed']),
      durationS: z.number().optional(),
      mp4: z.string().optional(),
      hls: z.string().optional(),
      chapters: z.array(z.object({ productId: z.string(), startS: z.number(), endS: z.number() })),
      clips: z.array(z.object({ productId: z.string(), url: z.string(), durationS: z.number(), startS: z.number() })),
      bytes: z.number().int(),
      error: z.string().nullable(),
    }),
  })
  .openapi('SessionMedia');

const ReplayResponse = z
  .object({
    session: z.object({
      id: z.string(),
      title: z.string(),
      status: z.enum(SESSION_STATUSES),
      startsAt: z.string(),
      endsAt: z.string(),
      startedAt: z.string().nullable(),
      endedAt: z.string().nullable(),
    }),
    shelf: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        category: z.enum(PRODUCT_CATEGORIES),
        priceFen: z.number().int(),
        stock: z.number().int(),
      }),
    ),
    media: MediaResponse,
  })
  .openapi('SessionReplay');

const StorageResponse = z
  .object({
    usedBytes: z.number().int(),
    budgetBytes: z.number().int(),
    disk: z.object({ freeBytes: z.number().int(), totalBytes: z.number().int() }).nullable(),
    recordings: z.number().int(),
    pruned: z.array(z.string()).openapi({ description: 'Sessions whose recordings this call pruned' }),
    warnings: z.array(z.string()),
  })
  .openapi('MediaStorage');

export function registerMediaRoutes(routes: RouteTable): void {
  routes.route({
    method: 'get',
    path: '/public/sessions/:id/media',
    summary: 'Live HLS while live; the replay, its chapters and per-product clips after',
    tags: ['public'],
    access: 'public',
    params: idParams,
    response: MediaResponse,
    handler: async ({ req, params }) => {
      const session = await LiveSessionModel.findById(params.id, { status: 1 }).lean();
      if (!session) throw notFound('Session');
      return sessionMedia(ctxOf(req).config, params.id, session.status);
    },
  });
  routes.route({
    method: 'get',
    path: '/public/sessions/:id/replay',
    summary: 'What the replay page shows beside the media: the session and its shelf',
    tags: ['public'],
    access: 'public',
    params: idParams,
    response: ReplayResponse,
    handler: async ({ req, params }) => {
      const session = await LiveSessionModel.findById(params.id, {
        title: 1,
        status: 1,
        startsAt: 1,
        endsAt: 1,
        startedAt: 1,
        endedAt: 1,
        productIds: 1,
      }).lean();
      if (!session) throw notFound('Session');
      const ctx = ctxOf(req);
      return {
        session: {
          id: params.id,
          title: session.title,
          status: session.status,
          startsAt: session.startsAt.toISOString(),
          endsAt: session.endsAt.toISOString(),
          startedAt: session.startedAt?.toISOString() ?? null,
          endedAt: session.endedAt?.toISOString() ?? null,
        },
        shelf: await sessionShelf(ctx, (session.productIds ?? []).map(String)),
        media: await sessionMedia(ctx.config, params.id, session.status),
      };
    },
  });
  const IngestResponse = z
    .object({ rtmpUrl: z.string().nullable(), streamKey: z.string(), whipUrl: z.string().nullable() })
    .openapi('SessionIngest');
  routes.route({
    method: 'get',
    path: '/sessions/:id/ingest',
    summary: "RTMP address and stream key for OBS or an encoder (the session's host only)",
    tags: ['sessions'],
    access: ['host'],
    params: idParams,
    response: IngestResponse,
    handler: ({ req, user, params }) => ingestInfo(ctxOf(req), user, params.id, originOf(req)),
  });
  routes.route({
    method: 'post',
    path: '/sessions/:id/ingest/rotate',
    summary: 'A new stream key; the old one is refused from now on',
    tags: ['sessions'],
    access: ['host'],
    params: idParams,
    response: IngestResponse,
    handler: ({ req, user, params }) => rotateIngestKey(ctxOf(req), user, params.id, originOf(req)),
  });
  registerWhipRoutes(routes);
  routes.route({
    method: 'get',
    path: '/media/storage',
    summary: 'Disk used by recordings against the budget; prunes what retention or the budget requires',
    tags: ['sessions'],
    access: ['bureau', 'association'],
    response: StorageResponse,
    handler: ({ req }) => pruneMedia(ctxOf(req).config),
  });
}

/** WHIP (RFC 9725): the endpoint takes an SDP offer, the resource it creates is deleted to stop. */
function registerWhipRoutes(routes: RouteTable): void {
  // The RouteTable knows no OPTIONS; a CORS preflight is answered here, before Express's automatic OPTIONS reply.
  for (const path of ['/sessions/:id/whip', '/sessions/:id/whip/:resourceId']) {
    routes.router.options(path, (_req, res) => {
      res
        .set({ ...WHIP_PREFLIGHT, 'Accept-Post': 'application/sdp' })
        .status(204)
        .end();
    });
  }
  routes.route({
    method: 'post',
    path: '/sessions/:id/whip',
    summary: 'WHIP ingest (OBS 30+): an SDP offer with Authorization: Bearer <streamKey> → 201, the SDP answer and a Location to DELETE',
    tags: ['sessions'],
    access: 'public',
    params: idParams,
    query: whipQuery,
    before: [whipCors, sdpBody],
    status: 201,
    requestContent: {
      body: { content: { 'application/sdp': { schema: z.string().openapi({ example: 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\n…' }) } } },
    },
    produces: ['application/sdp'],
    responseDescription: 'The SDP answer; Location names the WHIP resource',
    handler: async ({ req, res, params }) => {
      if (!req.is('application/sdp'))
        throw new HttpError(415, 'unsupported_media_type', 'Invalid header "Content-Type": a WHIP offer is application/sdp');
      if (typeof req.body !== 'string' || !req.body.trim()) throw new HttpError(400, 'bad_sdp', 'Invalid SDP offer: the body is empty');
      const published = await whipOf(req).publish(params.id, req.get('authorization'), req.body);
      res
        .status(201)
        .set({
          'Content-Type': 'application/sdp',
          Location: `${originOf(req)}${published.resourcePath}?session=${params.id}`,
          ETag: `"${published.resourceId}"`,
        })
        .send(published.answer);
    },
  });
  routes.route({
    method: 'delete',
    path: '/sessions/:id/whip/:resourceId',
    summary: 'Ends a WHIP publisher (the stream key it published with)',
    tags: ['sessions'],
    access: 'public',
    params: whipResourceParams,
    query: whipQuery,
    before: [whipCors],
    produces: [],
    responseDescription: 'Ended (an empty body)',
    handler: ({ req, res, params }) => {
      whipOf(req).remove(params.id, params.resourceId, req.get('authorization'));
      res.status(200).end();
    },
  });
  routes.route({
    method: 'patch',
    path: '/sessions/:id/whip/:resourceId',
    summary: 'Trickle ICE and ICE restarts are not supported (mediasoup is ICE-lite and gives every candidate in the answer): 405',
    tags: ['sessions'],
    access: 'public',
    params: whipResourceParams,
    query: whipQuery,
    before: [whipCors, sdpBody],
    produces: [],
    responseDescription: 'Never: this resource answers 405 (Allow: DELETE, OPTIONS)',
    handler: () => {
      throw new HttpError(
        405,
        'method_not_allowed',
        'This WHIP resource takes no PATCH: every candidate is in the answer (ICE-lite); to restart, DELETE it and POST a new offer',
        undefined,
        { Allow: 'DELETE, OPTIONS' },
      );
    },
  });
}

/**
 * Recordings, clips and HLS segments as static files any CDN can cache: segments and clips never
 * change once written (immutable), the live playlist changes every segment (1 s), VOD playlists rarely.
 */
export function mountMedia(app: Express, ctx: HubContext): void {
  app.use(
    '/media',
    express.static(mediaRoot(ctx.config), {
      index: false,
      dotfiles: 'deny',
      fallthrough: true,
      setHeaders: (res, file) => {
        const live = file.split(path.sep).includes('live');
        if (file.endsWith('.m3u8')) res.setHeader('Cache-Control', live ? 'public, max-age=1' : 'public, max-age=60');
        else if (
          file.endsWith('.ts') ||
          file.endsWith('.m4s') ||
          file.includes(`${path.sep}clips${path.sep}`) ||
          file.includes(`${path.sep}live-clips${path.sep}`)
        )
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        else res.setHeader('Cache-Control', 'public, max-age=3600');
        if (file.endsWith('.m3u8')) res.setHeader('Content-Type', 'application/vnd.apple.mpegurl');
        if (file.endsWith('.ts')) res.setHeader('Content-Type', 'video/mp2t');
        res.setHeader('Access-Control-Allow-Origin', '*');
      },
    }),
  );
  app.use('/media', (req, _res, next) => next(new HttpError(404, 'not_found', `No media file ${req.originalUrl}`)));
}
