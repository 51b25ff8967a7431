/**
 * Ingest from OBS and hardware encoders with a per-session stream key: the keys, the rules both protocols
 * share (one publisher per session, held by the web process that holds the session's router; a rotated key
 * stops it in whichever process that is), and RTMP. An in-process RTMP server (node-media-server) checks the
 * key (unknown or rotated keys, sessions not live and a second publisher are refused), then FFmpeg pulls the
 * stream from it, transcodes to VP8/Opus and sends RTP into PlainTransports (comedia) on the session's
 * router: viewers consume those producers exactly like a browser host's. WHIP is in whip.ts.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import mongoose, { Schema } from 'mongoose';
import type { types as ms } from 'mediasoup';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { notFound } from '../../platform/errors.ts';
import { componentLogger } from '../../platform/logger.ts';
import { sessionHost } from '../sessions/sessionReads.ts';
import { assertIsSessionHost } from '../sessions/policies/sessionAccess.ts';
import { sessionStatus } from '../sessions/liveState.ts';
import type { MediaPool } from './mediaPool.ts';
import { sessionSlot, webProcessCount } from '../../webCluster.ts';
import type { RoomNotify } from './mediaRoom.ts';
import { publishLive } from '../bus.ts';
import { ffmpegRtpProducer } from './ffmpeg.ts';

const log = componentLogger('ingest');

const ingestKeySchema = new Schema(
  {
    sessionId: { type: Schema.Types.ObjectId, ref: 'LiveSession', required: true, unique: true },
    streamKey: { type: String, required: true, unique: true },
    rotatedAt: { type: Date, default: null },
  },
  { collection: 'live_ingest_keys', timestamps: true },
);
export const IngestKeyModel = mongoose.model('LiveIngestKey', ingestKeySchema);

const newKey = () => randomBytes(18).toString('base64url');

async function requireHostOf(actor: AuthUser, sessionId: string) {
  const session = await sessionHost(sessionId);
  if (!session) throw notFound('Session');
  assertIsSessionHost(actor, session, 'Only the host of this session may see its stream key');
}

/**
 * Behind `npm start`'s several web processes (server/webCluster.ts) web process i listens for RTMP on
 * HUB_RTMP_PORT + i, and a session's publisher is sent to the port of the process that holds its router.
 */
export function processPlace(ctx: HubContext): { index: number; count: number } {
  const index = ctx.config.HUB_WEB_PROCESS_INDEX;
  return index === undefined ? { index: 0, count: 1 } : { index, count: webProcessCount(ctx.config) };
}

function rtmpPortFor(ctx: HubContext, sessionId: string): number {
  const { count } = processPlace(ctx);
  return ctx.config.HUB_RTMP_PORT + sessionSlot(sessionId, count);
}

/** Whether this web process holds the session's router (where its publisher must land). */
export function holdsSession(ctx: HubContext, sessionId: string): boolean {
  const place = processPlace(ctx);
  return sessionSlot(sessionId, place.count) === place.index;
}

/**
 * The WHIP endpoint of a session. `?session=` makes the cluster's primary hand the encoder's connection to
 * the web process that holds the session's router (server/webCluster.ts), as the live pages' sockets do.
 */
export const whipPath = (sessionId: string) => `/api/v1/sessions/${sessionId}/whip`;
export const whipUrl = (origin: string, sessionId: string) => `${origin}${whipPath(sessionId)}?session=${sessionId}`;

/** `origin` is the request's `protocol://host`; HUB_PUBLIC_URL, when set, wins. */
function ingestUrls(ctx: HubContext, origin: string | undefined, streamKey: string, sessionId: string) {
  const service = ctx.services.liveIngest;
  const publicOrigin = ctx.config.HUB_PUBLIC_URL ? new URL(ctx.config.HUB_PUBLIC_URL).origin : (origin ?? 'http://127.0.0.1');
  const hostname = new URL(publicOrigin).hostname;
  // The test hub listens on a free port of its own (service.port); a cluster process on its slot's port.
  const port = processPlace(ctx).count > 1 ? rtmpPortFor(ctx, sessionId) : service?.port;
  return {
    rtmpUrl: service?.port && port ? `rtmp://${hostname}:${port}/live` : null,
    streamKey,
    whipUrl: ctx.services.liveWhip ? whipUrl(publicOrigin, sessionId) : null,
  };
}

/** The session a stream key opens, or null for an unknown (or rotated) key. */
export async function sessionOfStreamKey(streamKey: string): Promise<string | null> {
  const key = await IngestKeyModel.findOne({ streamKey }, { sessionId: 1 }).lean();
  return key ? String(key.sessionId) : null;
}

/**
 * One publisher per session, whatever it speaks (RTMP or WHIP): claimed before its media is set up, so two
 * encoders starting together cannot both get in. Publishers land in the process that holds the session.
 */
export class PublisherClaims {
  private readonly held = new Map<string, symbol>();

  /** A token to release with, or null when the session already has a publisher (an ingest or a browser host). */
  claim(sessionId: string, hostProducers: number): symbol | null {
    if (this.held.has(sessionId) || hostProducers > 0) return null;
    const token = Symbol(sessionId);
    this.held.set(sessionId, token);
    return token;
  }

  release(sessionId: string, token: symbol): void {
    if (this.held.get(sessionId) === token) this.held.delete(sessionId);
  }
}

/** Stops whatever publisher of the session this process holds (RTMP or WHIP). */
export function stopIngestHere(ctx: HubContext, sessionId: string): void {
  ctx.services.liveIngest?.stopSession(sessionId);
  ctx.services.liveWhip?.stopSession(sessionId);
}

/** `GET /sessions/:id/ingest` (its host): the RTMP address and the session's stream key (created on first ask). */
export async function ingestInfo(ctx: HubContext, actor: AuthUser, sessionId: string, origin?: string) {
  await requireHostOf(actor, sessionId);
  const existing = await IngestKeyModel.findOne({ sessionId }).lean();
  if (existing) return ingestUrls(ctx, origin, existing.streamKey, sessionId);
  const streamKey = newKey();
  await IngestKeyModel.updateOne({ sessionId }, { $setOnInsert: { sessionId, streamKey } }, { upsert: true });
  const stored = await IngestKeyModel.findOne({ sessionId }).lean();
  return ingestUrls(ctx, origin, stored!.streamKey, sessionId);
}

/**
 * `POST /sessions/:id/ingest/rotate`: a new key; the old one is refused from now on and a running publisher
 * is stopped. The request may land on any web process: the live bus tells every one (the holder stops it);
 * this process stops its own at once too.
 */
export async function rotateIngestKey(ctx: HubContext, actor: AuthUser, sessionId: string, origin?: string) {
  await requireHostOf(actor, sessionId);
  const streamKey = newKey();
  await IngestKeyModel.updateOne(
    { sessionId },
    { $set: { streamKey, rotatedAt: new Date() }, $setOnInsert: { sessionId } },
    { upsert: true },
  );
  stopIngestHere(ctx, sessionId);
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, { type: 'ingestKeyRotated', sessionId });
  log.info({ sessionId }, 'stream key rotated');
  return ingestUrls(ctx, origin, streamKey, sessionId);
}

interface NmsSession {
  reject(): void;
}
interface Nms {
  run(): void;
  stop(): void;
  on(event: string, listener: (id: string, streamPath: string, args: unknown) => void): void;
  getSession(id: string): NmsSession | undefined;
}

interface Publisher {
  nmsId: string;
  sessionId: string;
  streamKey: string;
  claim: symbol;
  ffmpeg: ChildProcess | null;
  transports: ms.PlainTransport[];
}

export class RtmpIngest {
  private nms: Nms | null = null;
  private readonly publishers = new Map<string, Publisher>();
  port = 0;

  constructor(
    private readonly ctx: HubContext,
    private readonly pool: MediaPool,
    private readonly notify: RoomNotify,
    private readonly claims: PublisherClaims,
  ) {}

  async start(): Promise<void> {
    if (!this.ctx.config.HUB_RTMP_PORT) return;
    const port = this.ctx.config.HUB_RTMP_PORT + processPlace(this.ctx).index;
    const { default: NodeMediaServer } = (await import('node-media-server')) as unknown as { default: new (config: unknown) => Nms };
    // node-media-server installs a process-wide uncaughtException handler; the hub keeps its own behaviour.
    const before = new Set(process.listeners('uncaughtException'));
    const nms = new NodeMediaServer({ logType: 0, rtmp: { port, chunk_size: 60000, gop_cache: true, ping: 30, ping_timeout: 60 } });
    nms.run();
    for (const listener of process.listeners('uncaughtException'))
      if (!before.has(listener)) process.removeListener('uncaughtException', listener);
    nms.on(
      'prePublish',
      (id, streamPath) =>
        void this.onPublish(id, streamPath).catch((err) => {
          log.error({ err: String(err) }, 'RTMP publish failed');
          nms.getSession(id)?.reject();
        }),
    );
    nms.on('donePublish', (id) => this.onUnpublish(id));
    this.nms = nms;
    this.port = port;
    log.info({ port }, 'RTMP ingest listening');
  }

  private async onPublish(nmsId: string, streamPath: string): Promise<void> {
    const refuse = (reason: string, details: Record<string, unknown> = {}) => {
      log.warn({ ...details, reason }, 'RTMP publish refused');
      this.nms?.getSession(nmsId)?.reject();
    };
    const match = /^\/live\/([A-Za-z0-9_-]{16,64})$/.exec(streamPath);
    if (!match) return refuse('bad stream path');
    const streamKey = match[1]!;
    const sessionId = await sessionOfStreamKey(streamKey);
    if (!sessionId) return refuse('unknown or rotated stream key');
    if (!holdsSession(this.ctx, sessionId))
      return refuse('this web process does not hold the session (use the rtmpUrl the hub gave)', { sessionId });
    const status = await sessionStatus(this.ctx.redis, this.ctx.config.REDIS_PREFIX, sessionId);
    if (status !== 'live') return refuse('session is not live', { sessionId, status });
    const room = await this.pool.existingRoom(sessionId);
    const claim = this.claims.claim(sessionId, room?.hostProducerList().length ?? 0);
    if (!claim) return refuse('the session already has a publisher', { sessionId });
    const publisher: Publisher = { nmsId, sessionId, streamKey, claim, ffmpeg: null, transports: [] };
    this.publishers.set(nmsId, publisher);
    try {
      await this.feed(publisher);
    } catch (err) {
      this.end(publisher);
      throw err;
    }
  }

  /** FFmpeg pulls the accepted stream from the local RTMP server and sends VP8/Opus RTP into the session's router. */
  private async feed(publisher: Publisher): Promise<void> {
    const room = await this.pool.room(publisher.sessionId, this.notify);
    const router = room.primaryRouter;
    const outputs: string[] = [];
    const producers: ms.Producer[] = [];
    for (const kind of ['video', 'audio'] as const) {
      const { transport, producer, rtpOutput } = await ffmpegRtpProducer(router, kind, { ingest: 'rtmp' });
      publisher.transports.push(transport);
      producers.push(producer);
      outputs.push(
        ...(kind === 'video'
          ? [
              '-map',
              '0:v:0',
              '-c:v',
              'libvpx',
              '-deadline',
              'realtime',
              '-cpu-used',
              '8',
              '-b:v',
              '1200k',
              '-g',
              '48',
              '-pix_fmt',
              'yuv420p',
              '-an',
            ]
          : ['-map', '0:a:0?', '-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '96k', '-vn']),
        ...rtpOutput,
      );
    }
    const input = `rtmp://127.0.0.1:${this.port}/live/${publisher.streamKey}`;
    const ffmpeg = spawn(this.ctx.config.HUB_FFMPEG_PATH, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', input, ...outputs], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    publisher.ffmpeg = ffmpeg;
    let stderr = '';
    ffmpeg.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    ffmpeg.on('close', (code) => {
      if (this.publishers.get(publisher.nmsId) === publisher)
        log.warn({ sessionId: publisher.sessionId, code, stderr: stderr.slice(-400) }, 'RTMP ingest FFmpeg ended');
      this.end(publisher);
    });
    for (const producer of producers) await room.addExternalProducer(producer);
    log.info({ sessionId: publisher.sessionId }, 'RTMP publisher live');
  }

  private end(publisher: Publisher): void {
    if (this.publishers.get(publisher.nmsId) === publisher) this.publishers.delete(publisher.nmsId);
    this.claims.release(publisher.sessionId, publisher.claim);
    publisher.ffmpeg?.kill('SIGKILL');
    for (const transport of publisher.transports) if (!transport.closed) transport.close();
  }

  private onUnpublish(nmsId: string): void {
    const publisher = this.publishers.get(nmsId);
    if (publisher) this.end(publisher);
  }

  /** Stops the session's publisher (key rotated, session ended). */
  stopSession(sessionId: string): void {
    for (const publisher of [...this.publishers.values()]) {
      if (publisher.sessionId !== sessionId) continue;
      this.nms?.getSession(publisher.nmsId)?.reject();
      this.end(publisher);
    }
  }

  stop(): void {
    for (const publisher of [...this.publishers.values()]) this.end(publisher);
    this.nms?.stop();
    this.nms = null;
  }
}
