import type { Queue } from 'bullmq';
import type { HubComponent } from '../components.ts';
import type { HubContext } from '../platform/context.ts';
import { registerPublicRoutes } from './publicRoutes.ts';
import { registerReportRoutes } from './reports/reportRoutes.ts';
import { reportsQueue } from './reports/reportQueue.ts';
import { registerBatchRoutes } from '../commerce/batches/batchRoutes.ts';
import { startOverviewCounters, stopOverviewCounters } from './overviewCounters.ts';
import { scheduleOverviewRebuilds } from './overviewRebuild.ts';
import { startScreenRelay } from './screenRelay.ts';

const stopRelay = new WeakMap<HubContext, () => Promise<void>>();

/** The county's view: big-screen figures and pushes, traceability, public pages, bureau reports. */
export const opennessComponent: HubComponent = {
  name: 'openness',
  routes: (routes) => {
    registerPublicRoutes(routes);
    registerBatchRoutes(routes);
    registerReportRoutes(routes);
  },
  start: async (ctx) => {
    startOverviewCounters(ctx);
    ctx.services.overviewRebuildQueue = await scheduleOverviewRebuilds(ctx);
    ctx.services.reportsQueue = reportsQueue(ctx);
  },
  sockets: (io, ctx) => {
    stopRelay.set(ctx, startScreenRelay(io, ctx));
  },
  stop: async (ctx) => {
    stopOverviewCounters(ctx);
    await stopRelay.get(ctx)?.();
    await (ctx.services.overviewRebuildQueue as Queue | undefined)?.close();
    await (ctx.services.reportsQueue as Queue | undefined)?.close();
  },
};
