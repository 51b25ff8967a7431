import { EventEmitter } from 'node:events';

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

class HubEventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  on<K extends keyof HubEvents>(name: K, handler: Handler<K>): () => void {
    const wrapped = (payload: HubEvents[K]) => {
      Promise.resolve(handler(payload)).catch((err) => this.emitter.emit('handler-error', { name, err }));
    };
    this.emitter.on(name, wrapped);
    return () => this.emitter.off(name, wrapped);
  }

  emit<K extends keyof HubEvents>(name: K, payload: HubEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  onHandlerError(listener: (e: { name: string; err: unknown }) => void): void {
    this.emitter.on('handler-error', listener);
  }
}

export const hubEvents = new HubEventBus();
