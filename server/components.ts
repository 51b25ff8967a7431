import type { Server as SocketServer } from 'socket.io';
import type { Express } from 'express';
import type { RouteTable } from './platform/http/routeTable.ts';
import type { HubContext } from './platform/context.ts';
import { registerHealthRoutes } from './health/healthRoutes.ts';
import { registerAuthRoutes } from './auth/authRoutes.ts';
import { registerOrgRoutes } from './registry/orgs/orgRoutes.ts';
import { registerUserRoutes } from './registry/users/userRoutes.ts';
import { registerHouseholdRoutes } from './registry/households/householdRoutes.ts';
import { registerParkRoutes } from './registry/parks/parkRoutes.ts';
import { registerBaseRoutes } from './claims/bases/baseRoutes.ts';
import { registerPolicyRoutes } from './claims/policy/policyRoutes.ts';
import { opennessComponent } from './openness/opennessComponent.ts';
import { claimsComponent } from './claims/component.ts';
import { liveComponent } from './live/liveComponent.ts';
import { commerceComponent } from './commerce/commerceComponent.ts';
import { auditOutboxComponent } from './platform/audit/outboxComponent.ts';

/**
 * A business component's hooks into the web process. REST routes and Socket.IO handlers both call the
 * component's services; neither holds business rules.
 */
export interface HubComponent {
  name: string;
  /** Declares HTTP routes on the shared table (validation, access and OpenAPI in one place). */
  routes?: (routes: RouteTable) => void;
  /** Mounts non-JSON endpoints (dashboards, downloads) on the app. */
  mount?: (app: Express, ctx: HubContext) => void;
  /** Runs once the databases are up, before the server listens (queues, media workers). */
  start?: (ctx: HubContext) => Promise<void>;
  /** Attaches Socket.IO namespaces and handlers. */
  sockets?: (io: SocketServer, ctx: HubContext) => void;
  /** Releases what start() acquired, on shutdown. */
  stop?: (ctx: HubContext) => Promise<void>;
}

export const components: HubComponent[] = [
  { name: 'health', routes: registerHealthRoutes },
  { name: 'auth', routes: registerAuthRoutes },
  {
    name: 'registry',
    routes: (routes) => {
      registerOrgRoutes(routes);
      registerUserRoutes(routes);
      registerHouseholdRoutes(routes);
      registerParkRoutes(routes);
    },
  },
  {
    name: 'claims',
    routes: (routes) => {
      registerBaseRoutes(routes);
      registerPolicyRoutes(routes);
    },
  },
  claimsComponent,
  opennessComponent,
  commerceComponent,
  liveComponent,
  auditOutboxComponent,
];
