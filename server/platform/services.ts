import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Server as SocketServer } from 'socket.io';
import type { ClaimQueues } from '../claims/processors/queues.ts';
import type { OrderPersister } from '../commerce/orders/orderPersister.ts';
import type { TransitionPersister } from '../commerce/checkout/transitionPersister.ts';
import type { ExpiryJob } from '../commerce/checkout/expiry.ts';
import type { MediaPool } from '../live/media/mediaPool.ts';
import type { Recorder } from '../live/media/recorder.ts';
import type { RtmpIngest } from '../live/media/ingest.ts';
import type { WhipIngest } from '../live/media/whip.ts';
import type { LiveSignalling } from '../live/signalling.ts';
import type { ReminderJob } from '../live/sessions/reminders.ts';

/**
 * What components acquire at start-up and share through `ctx.services`, one typed slot each, declared here
 * so a reader finds every process-wide object in one list. A slot is empty until its component's `start`
 * (or the first call that needs it, for queues) fills it, and emptied again by its `stop`.
 * Only types are imported: this file adds no runtime dependency from the platform on the components.
 */
export interface HubServices {
  /** The Socket.IO server of this web process (server/sockets.ts); absent in worker processes. */
  io?: SocketServer;
  /** Claims: the assessment and maintenance queues (claims/processors/queues.ts). */
  claims?: ClaimQueues;
  /** Openness: the overview rebuild schedule and the bureau's report jobs. */
  overviewRebuildQueue?: Queue;
  reportsQueue?: Queue;
  /** Openness: stops the big-screen relay (openness/screenRelay.ts). */
  screenRelayStop?: () => Promise<void>;
  /** Commerce: the order write-behind queue, its status-change twin, and their Redis connection. */
  orderPersister?: OrderPersister;
  orderTransitionPersister?: TransitionPersister;
  orderPersisterConnection?: Redis;
  orderExpiryQueue?: Queue<ExpiryJob>;
  /** Live: the mediasoup pool of this process (null when live video is off: no worker binary). */
  liveMedia?: MediaPool | null;
  liveRecorder?: Recorder;
  /** Unsubscribes the recorder from pin events. */
  liveRecorderOff?: () => void;
  liveSignalling?: LiveSignalling;
  liveIngest?: RtmpIngest;
  /** Live: WHIP (OBS 30+) publishers of this process. */
  liveWhip?: WhipIngest;
  liveReminderQueue?: Queue<ReminderJob>;
  /** Platform: stops the audit outbox drainer (platform/audit/outboxComponent.ts). */
  auditOutboxStop?: () => Promise<void>;
}

/** The empty set of services every process starts with (bootstrap). */
export function emptyServices(): HubServices {
  return {};
}
