import type { HubComponent } from '../platform/component.ts';
import type { HubContext } from '../platform/context.ts';
import { hubEvents } from '../platform/events.ts';
import { componentLogger } from '../platform/logger.ts';
import { registerBaseRoutes } from './bases/baseRoutes.ts';
import { registerPolicyRoutes } from './policy/policyRoutes.ts';
import { registerClaimRoutes } from './claimRoutes.ts';
import { mountBullBoard, registerBoardRoutes } from './bullBoard.ts';
import { claimQueues, stopClaimQueues } from './processors/queues.ts';
import { claimProcessors } from './processors/index.ts';
import { stopWatchingPolicyPublications, watchPolicyPublications } from './policy/policyService.ts';

const log = componentLogger('claims');
const unsubscribers = new WeakMap<HubContext, () => void>();

/** Bases, policies, claims filing, tally queues, review, payment and disclosure. */
export const claimsComponent: HubComponent = {
  name: 'claims',
  routes: (routes) => {
    registerBaseRoutes(routes);
    registerPolicyRoutes(routes);
    registerClaimRoutes(routes);
    registerBoardRoutes(routes);
  },
  mount: mountBullBoard,
  start: async (ctx) => {
    // Every web process hears policy publications, so none keeps assessing or showing an old version.
    await watchPolicyPublications(ctx);
    const queues = claimQueues(ctx);
    // A newly registered household may make pending procurement claims eligible: re-assess them, as a job.
    const off = hubEvents.on('household.registered', async ({ registryNo }) => {
      await queues.maintenance.add('household', { kind: 'household', registryNo });
    });
    unsubscribers.set(ctx, off);
    // Catch submissions whose assessment was never enqueued (a crash between the write and the enqueue).
    await queues.maintenance.add('sweep', { kind: 'sweep' }, { jobId: `sweep.${new Date().toISOString().slice(0, 13)}` });
    // Awards a crash left behind their claims (and, on a database that predates the awards model, every award).
    await queues.maintenance.add('awards', { kind: 'awards' });
    log.info('claims queues ready');
  },
  stop: async (ctx) => {
    unsubscribers.get(ctx)?.();
    await stopClaimQueues(ctx);
    await stopWatchingPolicyPublications(ctx);
  },
  processors: claimProcessors,
};
