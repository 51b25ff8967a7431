import type { Redis } from 'ioredis';

/**
 * Live messages between processes over Redis pub/sub: the services (web or worker process) publish,
 * and every web process relays to its own Socket.IO clients. Workers have no Socket.IO server, and
 * publishing here keeps one path for REST, sockets and jobs alike.
 */
export type LiveBusMessage =
  | { type: 'notify'; userId: string; notification: HostNotification | OrderNotification }
  | { type: 'status'; sessionId: string; status: 'live' | 'ended' | 'cancelled' | 'scheduled' }
  | { type: 'pin'; sessionId: string; product: PinnedProduct | null }
  /** A stream key was rotated: the web process holding the session's encoder (RTMP or WHIP) stops it. */
  | { type: 'ingestKeyRotated'; sessionId: string }
  /** A flash sale started, sold some, sold out or ended (server/commerce/live/flashSaleStore.ts). */
  | { type: 'flash'; sessionId: string; sale: FlashSaleState | null };

export interface FlashSaleState {
  id: string;
  status: string;
  productId: string;
  priceFen: number;
  quantity: number;
  remaining: number;
  perBuyerLimit: number;
  endsAt: string;
}

export interface HostNotification {
  kind: 'session.reminder' | 'session.moved' | 'session.cancelled' | 'session.assigned' | 'session.unassigned' | 'session.live';
  sessionId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  message: string;
  at: string;
}

/** A buyer's order changed status (server/commerce/checkout). */
export interface OrderNotification {
  kind: 'order.status';
  orderId: string;
  status: string;
  message: string;
  messageEn: string;
  at: string;
}

export interface PinnedProduct {
  id: string;
  name: string;
  category: string;
  priceFen: number;
  stock: number;
}

export const liveBusChannel = (prefix: string) => `${prefix}:live:bus`;

export async function publishLive(redis: Redis, prefix: string, message: LiveBusMessage): Promise<void> {
  await redis.publish(liveBusChannel(prefix), JSON.stringify(message));
}
