/**
 * Run as a separate process by crossProcess.test.ts: plays a worker process that produces a domain
 * event. It bootstraps like workers/main.ts, subscribes the overview counters, emits, and exits.
 * Usage: node --import tsx test/openness/otherProcess.ts <sessionId> <viewers>
 */
import { bootstrap } from '../../server/bootstrap.ts';
import { disconnectMongo } from '../../server/platform/db.ts';
import { hubEvents } from '../../server/platform/events.ts';
import { startOverviewCounters } from '../../server/openness/overviewCounters.ts';

const [sessionId, viewers] = process.argv.slice(2);
const ctx = await bootstrap();
startOverviewCounters(ctx);
const done = new Promise<void>((resolve) =>
  hubEvents.on('session.viewers', () => {
    // The counter update runs after the emit returns; give it time to reach Redis.
    setTimeout(resolve, 200);
  }),
);
hubEvents.emit('session.viewers', { sessionId: sessionId!, viewers: Number(viewers) });
await done;
ctx.redis.disconnect();
await disconnectMongo();
