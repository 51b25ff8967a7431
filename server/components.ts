// First: extends zod with .openapi(), which the route modules below call as they load (the worker process loads
// this list without server/app.ts).
import './platform/http/openapi.ts';
import type { HubComponent, ProcessorRegistration } from './platform/component.ts';
import { registerHealthRoutes } from './health/healthRoutes.ts';
import { registerAuthRoutes } from './auth/authRoutes.ts';
import { registryComponent } from './registry/registryComponent.ts';
import { claimsComponent } from './claims/component.ts';
import { opennessComponent } from './openness/opennessComponent.ts';
import { commerceComponent } from './commerce/commerceComponent.ts';
import { liveComponent } from './live/liveComponent.ts';
import { auditOutboxComponent } from './platform/audit/outboxComponent.ts';

/**
 * The business components, the one list both processes read: the web process (server/startHub.ts) registers
 * their routes, mounts, sockets and lifecycle in this order (stopping in reverse); the worker process
 * (workers/main.ts) runs their processors.
 */
export const components: HubComponent[] = [
  { name: 'health', routes: registerHealthRoutes },
  { name: 'auth', routes: registerAuthRoutes },
  registryComponent,
  claimsComponent,
  opennessComponent,
  commerceComponent,
  liveComponent,
  auditOutboxComponent,
];

/** Every component's BullMQ processors, in list order. */
export function componentProcessors(list: HubComponent[] = components): ProcessorRegistration[] {
  return list.flatMap((component) => component.processors ?? []);
}
