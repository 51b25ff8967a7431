import type { Queue } from 'bullmq';
import type { HubComponent } from '../components.ts';
import type { HubContext } from '../platform/context.ts';
import { componentLogger } from '../platform/logger.ts';
import { registerStudioRoutes } from './studios/studioRoutes.ts';
import { registerSessionRoutes } from './sessions/sessionRoutes.ts';
import { reminderQueue } from './sessions/reminders.ts';
import { MediaPool } from './media/mediaPool.ts';
import { LiveSignalling } from './signalling.ts';

const log = componentLogger('live');

/** The media pool of this process, or null when live video is off (no worker binary). */
export function mediaPoolOf(ctx: HubContext): MediaPool | null {
  return (ctx.services.liveMedia as MediaPool | null | undefined) ?? null;
}

/** Studios, sessions, reminders, media rooms and the /live Socket.IO namespace. */
export const liveComponent: HubComponent = {
  name: 'live',
  routes: (routes) => {
    registerStudioRoutes(routes);
    registerSessionRoutes(routes);
  },
  start: async (ctx) => {
    reminderQueue(ctx);
    ctx.services.liveMedia = await MediaPool.start(ctx.config);
  },
  sockets: (io, ctx) => {
    // Once per process: the test support may attach Socket.IO itself.
    if (ctx.services.liveSignalling) return;
    const signalling = new LiveSignalling(io, ctx, mediaPoolOf(ctx));
    ctx.services.liveSignalling = signalling;
    signalling.start().catch((err) => log.error({ err: String(err) }, 'live bus relay failed to start'));
  },
  stop: async (ctx) => {
    await (ctx.services.liveSignalling as LiveSignalling | undefined)?.stop();
    delete ctx.services.liveSignalling;
    await mediaPoolOf(ctx)?.close();
    ctx.services.liveMedia = null;
    await (ctx.services.liveReminderQueue as Queue | undefined)?.close();
    delete ctx.services.liveReminderQueue;
  },
};
