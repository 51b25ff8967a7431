import type { HubComponent } from '../component.ts';
import { startAuditOutboxDrainer } from './outbox.ts';

/** Drains audit events left in the outbox by a crash or an outage: at start-up, then every few seconds. */
export const auditOutboxComponent: HubComponent = {
  name: 'audit-outbox',
  start: async (ctx) => {
    ctx.services.auditOutboxStop = startAuditOutboxDrainer(ctx);
  },
  stop: async (ctx) => {
    await ctx.services.auditOutboxStop?.();
    delete ctx.services.auditOutboxStop;
  },
};
