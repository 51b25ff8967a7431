import type { HubComponent } from '../platform/component.ts';
import { registerPublicRoutes } from './publicRoutes.ts';
import { registerReportRoutes } from './reports/reportRoutes.ts';
import { reportProcessor, reportsQueue } from './reports/reportQueue.ts';
import { startOverviewCounters, stopOverviewCounters } from './overviewCounters.ts';
import { overviewRebuildProcessor, scheduleOverviewRebuilds } from './overviewRebuild.ts';
import { startScreenRelay } from './screenRelay.ts';

/** The county's view: big-screen figures and pushes, traceability, public pages, bureau reports. */
export const opennessComponent: HubComponent = {
  name: 'openness',
  routes: (routes) => {
    registerPublicRoutes(routes);
    registerReportRoutes(routes);
  },
  start: async (ctx) => {
    startOverviewCounters(ctx);
    ctx.services.overviewRebuildQueue = await scheduleOverviewRebuilds(ctx);
    ctx.services.reportsQueue = reportsQueue(ctx);
  },
  sockets: (io, ctx) => {
    ctx.services.screenRelayStop = startScreenRelay(io, ctx);
  },
  stop: async (ctx) => {
    stopOverviewCounters(ctx);
    await ctx.services.screenRelayStop?.();
    delete ctx.services.screenRelayStop;
    await ctx.services.overviewRebuildQueue?.close();
    await ctx.services.reportsQueue?.close();
  },
  // Big-screen counter rebuilds and bureau reports.
  processors: [overviewRebuildProcessor, reportProcessor],
};
