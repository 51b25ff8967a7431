import type { HubComponent } from '../platform/component.ts';
import type { HubContext } from '../platform/context.ts';
import { componentLogger } from '../platform/logger.ts';
import { registerStudioRoutes } from './studios/studioRoutes.ts';
import { registerSessionRoutes } from './sessions/sessionRoutes.ts';
import { REMINDER_QUEUE, processReminder, reminderQueue } from './sessions/reminders.ts';
import { MediaPool } from './media/mediaPool.ts';
import { LiveSignalling } from './signalling.ts';
import { hostRoom, sessionRoom } from './liveSocket.ts';
import { Recorder } from './media/recorder.ts';
import { PublisherClaims, RtmpIngest } from './media/ingest.ts';
import { WhipIngest } from './media/whip.ts';
import { mountMedia, registerMediaRoutes } from './media/mediaRoutes.ts';
import { pruneMedia } from './media/recordingStore.ts';
import { hubEvents } from '../platform/events.ts';

const log = componentLogger('live');

/** The media pool of this process, or null when live video is off (no worker binary). */
export function mediaPoolOf(ctx: HubContext): MediaPool | null {
  return ctx.services.liveMedia ?? null;
}

/** Studios, sessions, reminders, media rooms and the /live Socket.IO namespace. */
export const liveComponent: HubComponent = {
  name: 'live',
  routes: (routes) => {
    registerStudioRoutes(routes);
    registerSessionRoutes(routes);
    registerMediaRoutes(routes);
  },
  mount: (app, ctx) => mountMedia(app, ctx),
  start: async (ctx) => {
    reminderQueue(ctx);
    const pool = await MediaPool.start(ctx.config, ctx.redis);
    ctx.services.liveMedia = pool;
    if (pool) {
      // Every room this process holds is recorded; pins relayed here mark its chapters.
      const recorder = new Recorder(ctx.config);
      pool.onRoom((room) => recorder.attach(room));
      const off = hubEvents.on('live.pinRelayed', (e) => recorder.pin(e.sessionId, e.productId, e.at));
      ctx.services.liveRecorder = recorder;
      ctx.services.liveRecorderOff = off;
      void pruneMedia(ctx.config).catch((err) => log.warn({ err: String(err) }, 'media storage check failed'));
    }
  },
  sockets: (io, ctx) => {
    // Once per process: the test support may attach Socket.IO itself.
    if (ctx.services.liveSignalling) return;
    const signalling = new LiveSignalling(io, ctx, mediaPoolOf(ctx));
    ctx.services.liveSignalling = signalling;
    ctx.services.liveRecorder?.onNotice((notice) => {
      signalling.nsp.to(hostRoom(notice.sessionId)).emit('recording:status', notice);
      // A product's explanation clip cut while live: every viewer's product card and shelf show it.
      if (notice.clip) signalling.nsp.to(sessionRoom(notice.sessionId)).emit('media:clip', { sessionId: notice.sessionId, ...notice.clip });
    });
    const pool = mediaPoolOf(ctx);
    if (pool) {
      // RTMP and WHIP ingest feed the same rooms the signalling serves, one publisher per session between them;
      // an RTMP port already taken only turns RTMP off.
      const notify = (peerId: string, event: string, payload: Record<string, unknown>) => signalling.nsp.to(peerId).emit(event, payload);
      const claims = new PublisherClaims();
      const ingest = new RtmpIngest(ctx, pool, notify, claims);
      ctx.services.liveIngest = ingest;
      ctx.services.liveWhip = new WhipIngest(ctx, pool, notify, claims);
      ingest.start().catch((err) => log.error({ err: String(err) }, 'RTMP ingest failed to start'));
    }
    signalling.start().catch((err) => log.error({ err: String(err) }, 'live bus relay failed to start'));
  },
  stop: async (ctx) => {
    await ctx.services.liveSignalling?.stop();
    delete ctx.services.liveSignalling;
    ctx.services.liveIngest?.stop();
    delete ctx.services.liveIngest;
    ctx.services.liveWhip?.stop();
    delete ctx.services.liveWhip;
    ctx.services.liveRecorderOff?.();
    // The sockets (and the Redis adapter's publisher) are already closed: a notice sent now would reject unhandled.
    ctx.services.liveRecorder?.onNotice(() => undefined);
    await ctx.services.liveRecorder?.close();
    delete ctx.services.liveRecorder;
    await mediaPoolOf(ctx)?.close();
    ctx.services.liveMedia = null;
    await ctx.services.liveReminderQueue?.close();
    delete ctx.services.liveReminderQueue;
  },
  // Remind a host 10 minutes before its session (published to the web processes over Redis).
  processors: [{ queue: REMINDER_QUEUE, concurrency: 5, process: (job, ctx) => processReminder(job, ctx) }],
};
