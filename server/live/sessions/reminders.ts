import { Queue, type Job } from 'bullmq';
import type { HubContext } from '../../platform/context.ts';
import { queueOptions } from '../../platform/queues.ts';
import { LiveSessionModel } from './session.model.ts';
import { publishLive } from '../bus.ts';
import { componentLogger } from '../../platform/logger.ts';

const log = componentLogger('live-reminders');

export const REMINDER_QUEUE = 'live-reminders';
export const REMINDER_LEAD_MS = 10 * 60 * 1000;

export interface ReminderJob {
  sessionId: string;
  hostUserId: string;
  startsAt: string;
}

// One job per (session, start time): moving a session removes the old job and adds a new one.
const jobId = (sessionId: string, startsAt: Date) => `remind-${sessionId}-${startsAt.getTime()}`;

export function reminderQueue(ctx: HubContext): Queue<ReminderJob> {
  let queue = ctx.services.liveReminderQueue;
  if (!queue) {
    queue = new Queue<ReminderJob>(REMINDER_QUEUE, queueOptions(ctx.config));
    ctx.services.liveReminderQueue = queue;
  }
  return queue;
}

export async function scheduleReminder(ctx: HubContext, session: { id: string; hostUserId: string; startsAt: Date }): Promise<void> {
  const delay = Math.max(0, session.startsAt.getTime() - REMINDER_LEAD_MS - Date.now());
  if (session.startsAt.getTime() <= Date.now()) return;
  await reminderQueue(ctx).add(
    'remind-host',
    { sessionId: session.id, hostUserId: session.hostUserId, startsAt: session.startsAt.toISOString() },
    { jobId: jobId(session.id, session.startsAt), delay, attempts: 3 },
  );
}

export async function cancelReminder(ctx: HubContext, sessionId: string, startsAt: Date): Promise<void> {
  await reminderQueue(ctx)
    .remove(jobId(sessionId, startsAt))
    .catch(() => 0);
}

/** Worker side: remind the host in-app unless the session moved, was cancelled or already started. */
export async function processReminder(job: Job<ReminderJob>, ctx: HubContext): Promise<string> {
  const session = await LiveSessionModel.findById(job.data.sessionId).lean();
  if (!session || session.status !== 'scheduled' || session.startsAt.toISOString() !== job.data.startsAt) return 'stale';
  const minutes = Math.max(0, Math.round((session.startsAt.getTime() - Date.now()) / 60000));
  await publishLive(ctx.redis, ctx.config.REDIS_PREFIX, {
    type: 'notify',
    userId: String(session.hostUserId),
    notification: {
      kind: 'session.reminder',
      sessionId: String(session._id),
      title: session.title,
      startsAt: session.startsAt.toISOString(),
      endsAt: session.endsAt.toISOString(),
      message: `“${session.title}” starts in ${minutes} min`,
      at: new Date().toISOString(),
    },
  });
  log.info({ sessionId: job.data.sessionId }, 'host reminded');
  return 'reminded';
}
