import { EventEmitter } from 'node:events';
import { componentLogger } from './logger.ts';

/**
 * Domain events inside one process. Producers emit after their write succeeded; subscribers
 * (overview counters, live pushes, re-assessment) react. A subscriber that must reach other
 * processes does so itself (Redis counters, Socket.IO Redis adapter/emitter), so every event is
 * handled exactly once, in the process that produced it.
 */
export interface HubEvents {
  'order.placed': {
    orderId: string;
    productId: string;
    enterpriseId: string;
    sessionId: string | null;
    quantity: number;
    amountFen: number;
    at: Date;
  };
  'session.scheduled': { sessionId: string; hostUserId: string; startsAt: Date };
  'session.started': { sessionId: string; at: Date };
  'session.ended': { sessionId: string; at: Date };
  'session.viewers': { sessionId: string; viewers: number };
  /** A pin or unpin as each web process relays it from the live bus (the recorder marks chapters). */
  'live.pinRelayed': { sessionId: string; productId: string | null; at: Date };
  'claim.submitted': { claimId: string; orgId: string; program: string };
  'claim.assessed': { claimId: string; orgId: string; program: string; proposedFen: number };
  'claim.approved': { claimId: string; orgId: string; program: string; amountFen: number; at: Date };
  'claim.paid': { claimId: string; orgId: string; program: string; amountFen: number; at: Date };
  'household.registered': { registryNo: string };
}

type Handler<K extends keyof HubEvents> = (payload: HubEvents[K]) => void | Promise<void>;

interface ErrorLog {
  error(obj: object, msg: string): void;
}

/** Where a subscription was made ("server/openness/overviewCounters.ts:40"), naming an anonymous handler in logs. */
function subscriberSite(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const outside = frames.find((f) => !f.includes('/platform/events.ts')) ?? '';
  const where = /\(?((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?$/.exec(outside.trim());
  if (!where) return 'anonymous';
  const file = where[1]!.replace(/^file:\/\//, '');
  const rooted = file.indexOf('/server/') >= 0 ? file.slice(file.indexOf('/server/') + 1) : file.split('/').slice(-2).join('/');
  return `${rooted}:${where[2]}`;
}

export class HubEventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  private readonly errors = new Map<string, number>();

  /** `log` receives a failed handler's error (default: the process logger, component "events"). */
  constructor(private readonly log: ErrorLog = componentLogger('events')) {}

  /**
   * Subscribes `handler`. A handler that throws or rejects never reaches the producer (which already wrote
   * its change): its error is logged at error level with the event and the handler, and counted
   * (`handlerErrors`, shown by GET /api/v1/health in the X-Event-Handler-Errors header).
   */
  on<K extends keyof HubEvents>(name: K, handler: Handler<K>, label: string = handler.name || subscriberSite()): () => void {
    const wrapped = (payload: HubEvents[K]) => {
      let result: void | Promise<void>;
      try {
        result = handler(payload);
      } catch (err) {
        this.failed(name, label, err);
        return;
      }
      Promise.resolve(result).catch((err: unknown) => this.failed(name, label, err));
    };
    this.emitter.on(name, wrapped);
    return () => this.emitter.off(name, wrapped);
  }

  emit<K extends keyof HubEvents>(name: K, payload: HubEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  /** Handler failures in this process since it started, per event name. */
  handlerErrors(): Record<string, number> {
    return Object.fromEntries(this.errors);
  }

  /** Every handler failure in this process since it started. */
  handlerErrorTotal(): number {
    let total = 0;
    for (const n of this.errors.values()) total += n;
    return total;
  }

  private failed(name: string, handler: string, err: unknown): void {
    this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
    this.log.error({ event: name, handler, err }, 'event handler failed');
  }
}

export const hubEvents = new HubEventBus();
