import type { Job } from 'bullmq';
import type { Express } from 'express';
import type { Server as SocketServer } from 'socket.io';
import type { HubContext } from './context.ts';
import type { RouteTable } from './http/routeTable.ts';

/**
 * A BullMQ processor the worker process runs. Each queue's work lives in its component
 * (e.g. server/claims/processors) and is declared by that component's `processors`.
 */
export interface ProcessorRegistration {
  queue: string;
  /** Jobs run at once across every worker process (1 = a single writer). */
  globalConcurrency?: number;
  /** Jobs run at once in this process. */
  concurrency: number;
  process: (job: Job, ctx: HubContext) => Promise<unknown>;
}

/**
 * A business component's hooks into both processes. The web process (server/startHub.ts) calls `routes`,
 * `mount`, `start`, `sockets` and `stop`; the worker process (workers/main.ts) runs its `processors`.
 * REST routes, Socket.IO handlers and processors all call the component's services; none holds business rules.
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
  /** Releases what start() and sockets() acquired, on shutdown (called in reverse list order). */
  stop?: (ctx: HubContext) => Promise<void>;
  /** The BullMQ processors of this component's queues, run by the worker process. */
  processors?: ProcessorRegistration[];
}
