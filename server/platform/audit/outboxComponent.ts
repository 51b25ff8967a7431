import type { HubComponent } from '../../components.ts';
import type { HubContext } from '../context.ts';
import { startAuditOutboxDrainer } from './outbox.ts';

const stops = new WeakMap<HubContext, () => Promise<void>>();

/** Drains audit events left in the outbox by a crash or an outage: at start-up, then every few seconds. */
export const auditOutboxComponent: HubComponent = {
  name: 'audit-outbox',
  start: async (ctx) => {
    stops.set(ctx, startAuditOutboxDrainer(ctx));
  },
  stop: async (ctx) => {
    await stops.get(ctx)?.();
    stops.delete(ctx);
  },
};
