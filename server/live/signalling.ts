import type { Namespace, Server as SocketServer, Socket } from 'socket.io';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { HubContext } from '../platform/context.ts';
import { joinAuthRooms, socketAuthMiddleware } from '../platform/auth/tokenState.ts';
import { conflict } from '../platform/errors.ts';
import { hubEvents } from '../platform/events.ts';
import { componentLogger } from '../platform/logger.ts';
import { joinSession, JoinSessionPayload } from './sessions/commands/joinSession.ts';
import { startSession } from './sessions/commands/startSession.ts';
import { endSession } from './sessions/commands/endSession.ts';
import { pinProduct, PinProductBody } from './sessions/commands/pinProduct.ts';
import { registerChatHandlers } from './chat/chatSignalling.ts';
import { registerMediaHandlers } from './media/mediaSignalling.ts';
import { stopIngestHere } from './media/ingest.ts';
import type { MediaPool } from './media/mediaPool.ts';
import { liveBusChannel, type LiveBusMessage } from './bus.ts';
import { LIVE_NAMESPACE, hostRoom, liveConnection, sessionRoom, userRoom } from './liveSocket.ts';
import { SalesTicker } from './salesTicker.ts';
import { ViewerCounts } from './viewerCount.ts';

const log = componentLogger('live-signalling');

const NoPayload = z.object({}).strict();

/**
 * The /live Socket.IO namespace: each request is validated with zod and calls the command its REST route calls
 * (sessions), or its concern's handlers (chat, media); the live bus, viewer counts and the sales ticker push events.
 */
export class LiveSignalling {
  readonly nsp: Namespace;
  private readonly viewers: ViewerCounts;
  private readonly sales: SalesTicker;
  private subscriber: Redis | null = null;

  constructor(
    io: SocketServer,
    private readonly ctx: HubContext,
    private readonly media: MediaPool | null,
  ) {
    this.nsp = io.of(LIVE_NAMESPACE);
    this.viewers = new ViewerCounts(ctx, this.nsp);
    this.sales = new SalesTicker(ctx, this.nsp);
    // Anonymous viewers may watch; a valid token identifies hosts and chatting or buying viewers, and a
    // deactivated or signed-out user's sockets are disconnected at once (tokenState.ts).
    this.nsp.use(socketAuthMiddleware(ctx, { refuseBadToken: true }));
    this.nsp.on('connection', (socket) => this.onConnection(socket));
  }

  /** Relays the live bus (published by commands in any process) to this process's sockets, and pushes sales. */
  async start(): Promise<void> {
    this.subscriber = this.ctx.redis.duplicate();
    await this.subscriber.subscribe(liveBusChannel(this.ctx.config.REDIS_PREFIX));
    this.subscriber.on('message', (_channel, raw) => {
      try {
        this.relay(JSON.parse(raw) as LiveBusMessage);
      } catch (err) {
        log.warn({ err: String(err) }, 'bad live bus message');
      }
    });
    this.sales.start();
  }

  private relay(message: LiveBusMessage): void {
    const local = this.nsp.local;
    switch (message.type) {
      case 'notify':
        local.to(userRoom(message.userId)).emit('notification', message.notification);
        break;
      case 'status':
        local.to(sessionRoom(message.sessionId)).emit('session:status', { sessionId: message.sessionId, status: message.status });
        if (message.status === 'ended' || message.status === 'cancelled') this.media?.closeRoom(message.sessionId);
        break;
      case 'pin':
        local.to(sessionRoom(message.sessionId)).emit('product:pinned', { sessionId: message.sessionId, product: message.product });
        hubEvents.emit('live.pinRelayed', { sessionId: message.sessionId, productId: message.product?.id ?? null, at: new Date() });
        break;
      case 'ingestKeyRotated':
        stopIngestHere(this.ctx, message.sessionId);
        break;
      case 'flash':
        local.to(sessionRoom(message.sessionId)).emit('flash:sale', { sessionId: message.sessionId, sale: message.sale });
        break;
    }
  }

  async stop(): Promise<void> {
    this.sales.stop();
    this.viewers.stop();
    this.subscriber?.disconnect();
  }

  private onConnection(socket: Socket): void {
    const conn = liveConnection(socket);
    const { data } = conn;
    if (data.user) void socket.join(userRoom(data.user.id));
    joinAuthRooms(this.ctx, socket);
    const mediaHandlers = registerMediaHandlers(conn, this.ctx, this.media, this.nsp);

    conn.on('session:join', JoinSessionPayload, async (command) => {
      if (data.sessionId)
        throw conflict(`This connection already joined session ${data.sessionId}; open a new one`, undefined, 'already_joined');
      const { sessionId, role } = command;
      const joined = await joinSession(this.ctx, data.user, command, async () => {
        data.sessionId = sessionId;
        data.role = role;
        await socket.join(sessionRoom(sessionId));
        if (role === 'host') await socket.join(hostRoom(sessionId));
        else await this.viewers.enter(socket, sessionId, data.user?.id);
      });
      return { ...joined, media: await mediaHandlers.joinMedia() };
    });
    conn.on('session:start', NoPayload, async () => {
      const { sessionId, user } = conn.asHost();
      return startSession(this.ctx, user, { sessionId });
    });
    conn.on('session:end', NoPayload, async () => {
      const { sessionId, user } = conn.asHost();
      return endSession(this.ctx, user, { sessionId });
    });
    conn.on('product:pin', PinProductBody, async ({ productId }) => {
      const { sessionId, user } = conn.asHost();
      return pinProduct(this.ctx, user, { sessionId, productId });
    });
    registerChatHandlers(conn, this.ctx, this.nsp);

    socket.on('disconnect', () => {
      const { sessionId, role } = data;
      if (!sessionId) return;
      mediaHandlers.leave(sessionId);
      if (role === 'viewer') this.viewers.leave(socket.id, sessionId);
    });
  }
}
