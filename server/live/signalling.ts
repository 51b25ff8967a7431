import { z, type ZodTypeAny } from 'zod';
import type { Namespace, Server as SocketServer, Socket } from 'socket.io';
import type { Redis } from 'ioredis';
import type { HubContext } from '../platform/context.ts';
import type { AuthUser } from '../platform/auth/roles.ts';
import { joinAuthRooms, socketAuthMiddleware } from '../platform/auth/tokenState.ts';
import { errorReply } from './socketReplies.ts';
import { HttpError, conflict, forbidden, notFound, unauthenticated, validationError } from '../platform/errors.ts';
import { hubEvents } from '../platform/events.ts';
import { objectId } from '../platform/http/schemas.ts';
import { componentLogger } from '../platform/logger.ts';
import { LiveSessionModel } from './sessions/session.model.ts';
import { endSession, pinProduct, pinnedProduct, sessionDto, sessionShelf, startSession } from './sessions/sessionService.ts';
import { sessionStatus } from './sessions/liveState.ts';
import { chatHistory, removeChatMessage, sendChat, setMuted, CHAT_MAX_LENGTH } from './chat/chatService.ts';
import { sessionSalesKey, sessionSalesTotals, stockKey } from '../commerce/orders/stockLedger.ts';
import { liveBusChannel, type LiveBusMessage } from './bus.ts';
import { plusOne } from '../commerce/live/plusOne.ts';
import { countChat, countViewer } from '../commerce/live/sessionAnalytics.ts';
import type { MediaPool } from './media/mediaPool.ts';
import { addViewer, removeViewer, viewerCountAndPeak, viewerIdentity } from './viewerCount.ts';
import type { MediaRoom } from './media/mediaRoom.ts';
import { stopIngestHere } from './media/ingest.ts';

const log = componentLogger('live-signalling');

export const LIVE_NAMESPACE = '/live';
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const hostRoom = (sessionId: string) => `host:${sessionId}`;
export const userRoom = (userId: string) => `user:${userId}`;

type Ack = (reply: { data?: unknown; error?: { code: string; message: string; details?: unknown } }) => void;

interface LiveSocketData {
  user?: AuthUser;
  sessionId?: string;
  role?: 'host' | 'viewer';
}

// Payload schemas: mediasoup's own parameter objects are checked for shape here and in depth by mediasoup.
const anyObject = z.record(z.unknown());
const schemas = {
  join: z.object({ sessionId: objectId('sessionId'), role: z.enum(['host', 'viewer']).default('viewer') }).strict(),
  empty: z.object({}).strict(),
  createTransport: z.object({ direction: z.enum(['send', 'recv']) }).strict(),
  connectTransport: z
    .object({
      transportId: z.string().uuid('transportId must be a transport id'),
      dtlsParameters: z
        .object({
          role: z.enum(['auto', 'client', 'server']).optional(),
          fingerprints: z
            .array(
              z
                .object({
                  algorithm: z.string().min(1).max(16),
                  value: z.string().regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){15,63}$/, 'must be a hex fingerprint'),
                })
                .passthrough(),
            )
            .min(1, 'needs at least one fingerprint')
            .max(8),
        })
        .passthrough(),
    })
    .strict(),
  produce: z
    .object({
      transportId: z.string().uuid('transportId must be a transport id'),
      kind: z.enum(['audio', 'video']),
      rtpParameters: anyObject,
      appData: anyObject.optional(),
    })
    .strict(),
  consume: z.object({ transportId: z.string().uuid('transportId must be a transport id'), rtpCapabilities: anyObject }).strict(),
  resumeConsumer: z.object({ consumerId: z.string().uuid('consumerId must be a consumer id') }).strict(),
  // 0 流畅 … 2 高清; null lets the bandwidth decide.
  setPreferredLayers: z
    .object({
      consumerId: z.string().uuid('consumerId must be a consumer id'),
      spatialLayer: z
        .number({ invalid_type_error: 'spatialLayer must be 0, 1, 2 or null' })
        .int('spatialLayer must be 0, 1, 2 or null')
        .min(0, 'spatialLayer must be 0, 1, 2 or null')
        .max(2, 'spatialLayer must be 0, 1, 2 or null')
        .nullable(),
    })
    .strict(),
  // Chat text is cleaned rather than refused: cleanChatText strips controls, NUL and bidi overrides.
  chat: z.object({ text: z.string().max(CHAT_MAX_LENGTH * 4, `text must be at most ${CHAT_MAX_LENGTH} characters`) }).strict(),
  mute: z.object({ userId: objectId('userId'), muted: z.boolean().default(true) }).strict(),
  removeMessage: z.object({ messageId: z.string().uuid('messageId must be a message id') }).strict(),
  pin: z.object({ productId: objectId('productId').nullable() }).strict(),
};

/** mediasoup refuses malformed parameters with a TypeError: that is the caller's bad input (400), not ours. */
async function mediaInput<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TypeError) throw new HttpError(400, 'bad_input', `Invalid media parameters: ${err.message}`);
    throw err;
  }
}

export class LiveSignalling {
  readonly nsp: Namespace;
  private readonly pendingViewerFlush = new Map<string, NodeJS.Timeout>();
  private readonly pendingSales = new Map<string, { products: Set<string>; timer: NodeJS.Timeout }>();
  private subscriber: Redis | null = null;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(
    io: SocketServer,
    private readonly ctx: HubContext,
    private readonly media: MediaPool | null,
  ) {
    this.nsp = io.of(LIVE_NAMESPACE);
    // Anonymous viewers may watch; a valid token identifies hosts and chatting or buying viewers, and a
    // deactivated or signed-out user's sockets are disconnected at once (tokenState.ts).
    this.nsp.use(socketAuthMiddleware(ctx, { refuseBadToken: true }));
    this.nsp.on('connection', (socket) => this.onConnection(socket));
  }

  private get prefix(): string {
    return this.ctx.config.REDIS_PREFIX;
  }

  /** Relays the live bus (published by services in any process) to this process's sockets, and pushes sales. */
  async start(): Promise<void> {
    this.subscriber = this.ctx.redis.duplicate();
    await this.subscriber.subscribe(liveBusChannel(this.prefix));
    this.subscriber.on('message', (_channel, raw) => {
      try {
        this.relay(JSON.parse(raw) as LiveBusMessage);
      } catch (err) {
        log.warn({ err: String(err) }, 'bad live bus message');
      }
    });
    this.unsubscribers.push(
      hubEvents.on('order.placed', (order) => {
        if (!order.sessionId) return;
        const pending = this.pendingSales.get(order.sessionId);
        if (pending) {
          pending.products.add(order.productId);
          return;
        }
        // A busy session sells many times a second: the ticker and stock go out at most every 200 ms.
        const sessionId = order.sessionId;
        const timer = setTimeout(
          () => void this.flushSales(sessionId).catch((err) => log.warn({ err: String(err) }, 'sales push failed')),
          200,
        );
        this.pendingSales.set(sessionId, { products: new Set([order.productId]), timer });
      }),
    );
  }

  /** One read of the session's totals and stock left, one `sales` event to the host, one `product:stock` per product sold. */
  private async flushSales(sessionId: string): Promise<void> {
    const pending = this.pendingSales.get(sessionId);
    this.pendingSales.delete(sessionId);
    if (!pending) return;
    const products = [...pending.products];
    const multi = this.ctx.redis.multi().hgetall(sessionSalesKey(this.prefix, sessionId));
    for (const productId of products) multi.get(stockKey(this.prefix, productId));
    const [[, sales], ...stocks] = (await multi.exec()) as [[null, Record<string, string>], ...[null, string | null][]];
    // Emitted from the process that took the orders; the Redis adapter carries them to every process.
    this.nsp.to(hostRoom(sessionId)).emit('sales', {
      sessionId,
      orders: Number(sales.orders ?? 0),
      quantity: Number(sales.quantity ?? 0),
      amountFen: Number(sales.amountFen ?? 0),
    });
    products.forEach((productId, i) => {
      this.nsp.to(sessionRoom(sessionId)).emit('product:stock', { sessionId, productId, stock: Number(stocks[i]?.[1] ?? 0) });
    });
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
    for (const off of this.unsubscribers) off();
    for (const timer of this.pendingViewerFlush.values()) clearTimeout(timer);
    for (const { timer } of this.pendingSales.values()) clearTimeout(timer);
    this.subscriber?.disconnect();
  }

  private onConnection(socket: Socket): void {
    const data = socket.data as LiveSocketData;
    if (data.user) void socket.join(userRoom(data.user.id));
    joinAuthRooms(this.ctx, socket);

    const on = <S extends ZodTypeAny>(event: string, schema: S, handler: (payload: z.output<S>) => Promise<unknown>) => {
      socket.on(event, async (payload: unknown, ack?: unknown) => {
        // Clients that give no callback get errors as an event, so nothing fails silently.
        const reply: Ack = typeof ack === 'function' ? (ack as Ack) : (r) => r.error && socket.emit('live:error', { event, ...r.error });
        const parsed = schema.safeParse(payload ?? {});
        if (!parsed.success) return reply(errorReply(validationError(parsed.error, 'body')));
        try {
          reply({ data: (await handler(parsed.data)) ?? {} });
        } catch (err) {
          reply(errorReply(err));
        }
      });
    };
    const joined = () => {
      if (!data.sessionId || !data.role) throw conflict('Join a session first (session:join)', undefined, 'not_joined');
      return { sessionId: data.sessionId, role: data.role };
    };
    const signedIn = () => {
      if (!data.user) throw unauthenticated('Sign in to do this');
      return data.user;
    };
    const asHost = () => {
      const j = joined();
      if (j.role !== 'host') throw forbidden('Only the host of this session may do this');
      return { ...j, user: signedIn() };
    };
    /** The session's media room; `asPeer` makes this connection a media peer (capacity is reserved only for those). */
    const room = async (asPeer = true): Promise<MediaRoom> => {
      if (!this.media) throw new HttpError(503, 'media_unavailable', 'Live video is not available on this server (no mediasoup worker)');
      const { sessionId, role } = joined();
      const status = await sessionStatus(this.ctx.redis, this.prefix, sessionId);
      if (status === 'ended' || status === 'cancelled')
        throw conflict(`Session ${sessionId} is ${status}`, { status: status }, 'wrong_state');
      const r = await this.media.room(sessionId, (peerId, event, payload) => this.nsp.to(peerId).emit(event, payload));
      if (asPeer && !r.hasPeer(socket.id)) await r.addPeer(socket.id, role);
      return r;
    };

    on('session:join', schemas.join, async ({ sessionId, role }) => {
      if (data.sessionId)
        throw conflict(`This connection already joined session ${data.sessionId}; open a new one`, undefined, 'already_joined');
      const session = await LiveSessionModel.findById(sessionId).lean();
      if (!session) throw notFound('Session');
      if (role === 'host' && (!data.user || String(session.hostUserId) !== data.user.id))
        throw forbidden('Only the host of this session may join as host');
      if (session.status === 'ended' || session.status === 'cancelled')
        throw conflict(`Session ${sessionId} is ${session.status}`, { status: session.status }, 'wrong_state');
      data.sessionId = sessionId;
      data.role = role;
      await socket.join(sessionRoom(sessionId));
      if (role === 'host') await socket.join(hostRoom(sessionId));
      else {
        await addViewer(
          this.ctx.redis,
          this.prefix,
          sessionId,
          socket.id,
          viewerIdentity(socket, data.user?.id, this.ctx.config.HUB_TRUST_PROXY),
        );
        await countViewer(this.ctx, sessionId, data.user?.id ?? socket.id);
        this.scheduleViewerFlush(sessionId);
      }
      const dto = sessionDto(session);
      const [shelf, pinned, chat, viewers, sales] = await Promise.all([
        sessionShelf(this.ctx, dto.productIds),
        pinnedProduct(this.ctx, sessionId),
        chatHistory(this.ctx, sessionId),
        viewerCountAndPeak(this.ctx.redis, this.prefix, sessionId).then(([count]) => count),
        role === 'host' ? sessionSalesTotals(this.ctx.redis, this.prefix, sessionId) : Promise.resolve(null),
      ]);
      return {
        session: {
          id: dto.id,
          title: dto.title,
          status: dto.status,
          hostUserId: dto.hostUserId,
          startsAt: dto.startsAt,
          endsAt: dto.endsAt,
          productIds: dto.productIds,
        },
        role,
        shelf,
        pinned,
        chat,
        viewers,
        sales,
        media: this.media ? { available: true, routerRtpCapabilities: (await room(false)).rtpCapabilities } : { available: false },
      };
    });

    on('session:start', schemas.empty, async () => {
      const { sessionId, user } = asHost();
      return startSession(this.ctx, user, sessionId);
    });
    on('session:end', schemas.empty, async () => {
      const { sessionId, user } = asHost();
      return endSession(this.ctx, user, sessionId);
    });

    on('media:createTransport', schemas.createTransport, async ({ direction }) => {
      if (direction === 'send') {
        const { sessionId } = asHost();
        const status = await sessionStatus(this.ctx.redis, this.prefix, sessionId);
        if (status !== 'live') throw conflict('Go live first (session:start), then send media', { status }, 'wrong_state');
      }
      return (await room()).createTransport(socket.id, direction, this.clientAddress(socket));
    });
    on('media:connectTransport', schemas.connectTransport, async ({ transportId, dtlsParameters }) => {
      const r = await room(false);
      await mediaInput(() => r.connectTransport(socket.id, transportId, dtlsParameters as never));
      return { connected: true };
    });
    on('media:produce', schemas.produce, async ({ transportId, kind, rtpParameters }) => {
      asHost();
      const r = await room(false);
      return mediaInput(() => r.produce(socket.id, transportId, kind, rtpParameters as never));
    });
    on('media:consume', schemas.consume, async ({ transportId, rtpCapabilities }) => {
      const r = await room(false);
      return mediaInput(() => r.consume(socket.id, transportId, rtpCapabilities as never));
    });
    on('media:resumeConsumer', schemas.resumeConsumer, async ({ consumerId }) => {
      await (await room(false)).resumeConsumer(socket.id, consumerId);
      return { resumed: true };
    });
    on('media:setPreferredLayers', schemas.setPreferredLayers, async ({ consumerId, spatialLayer }) => {
      return (await room(false)).setPreferredLayers(socket.id, consumerId, spatialLayer);
    });

    on('chat:send', schemas.chat, async ({ text }) => {
      const { sessionId } = joined();
      const message = await sendChat(this.ctx, signedIn(), sessionId, text);
      this.nsp.to(sessionRoom(sessionId)).emit('chat:message', message);
      // "+1" ordering (server/commerce/live/plusOne.ts): the buyer's checkout opens, the host's queue grows.
      const reservation = await plusOne(this.ctx, signedIn(), sessionId, text).catch((err: unknown) => {
        socket.emit('checkout:refused', errorReply(err).error);
        return null;
      });
      await countChat(this.ctx, sessionId, reservation !== null);
      if (reservation) {
        this.nsp.to(userRoom(signedIn().id)).emit('checkout:open', reservation);
        this.nsp.to(hostRoom(sessionId)).emit('plusone:queued', {
          orderId: reservation.order.id,
          buyerTail: reservation.buyerTail,
          productId: reservation.product.id,
          at: new Date().toISOString(),
        });
      }
      return { message, ...(reservation ? { reservation: reservation.order } : {}) };
    });
    on('chat:mute', schemas.mute, async ({ userId, muted }) => {
      const { sessionId, user } = asHost();
      const result = await setMuted(this.ctx, user, sessionId, userId, muted);
      this.nsp.to(userRoom(userId)).emit('chat:muted', result);
      return result;
    });
    on('chat:remove', schemas.removeMessage, async ({ messageId }) => {
      const { sessionId, user } = asHost();
      const result = await removeChatMessage(this.ctx, user, sessionId, messageId);
      this.nsp.to(sessionRoom(sessionId)).emit('chat:removed', result);
      return result;
    });
    on('product:pin', schemas.pin, async ({ productId }) => {
      const { sessionId, user } = asHost();
      return pinProduct(this.ctx, user, sessionId, productId);
    });

    socket.on('disconnect', () => {
      const { sessionId, role } = data;
      if (!sessionId) return;
      void this.media
        ?.existingRoom(sessionId)
        ?.then((r) => r.removePeer(socket.id))
        .catch(() => undefined);
      if (role === 'viewer') {
        void removeViewer(this.ctx.redis, this.prefix, sessionId, socket.id).then(() => this.scheduleViewerFlush(sessionId));
      }
    });
  }

  /** The client's address for the per-address media cap: the proxy's X-Forwarded-For only when it is trusted. */
  private clientAddress(socket: Socket): string {
    const forwarded = socket.handshake.headers['x-forwarded-for'];
    if (this.ctx.config.HUB_TRUST_PROXY && typeof forwarded === 'string' && forwarded) return forwarded.split(',')[0]!.trim();
    return socket.handshake.address;
  }

  /** Viewer counts go out at most every 250 ms per session: a crowd joining at once is one update, not thousands. */
  private scheduleViewerFlush(sessionId: string): void {
    if (this.pendingViewerFlush.has(sessionId)) return;
    this.pendingViewerFlush.set(
      sessionId,
      setTimeout(() => {
        this.pendingViewerFlush.delete(sessionId);
        void this.flushViewers(sessionId).catch((err) => log.warn({ err: String(err) }, 'viewer count flush failed'));
      }, 250),
    );
  }

  private async flushViewers(sessionId: string): Promise<void> {
    const [count, peak] = await viewerCountAndPeak(this.ctx.redis, this.prefix, sessionId);
    this.nsp.to(sessionRoom(sessionId)).emit('viewers', { sessionId, count, peak });
    hubEvents.emit('session.viewers', { sessionId, viewers: count });
    await LiveSessionModel.updateOne({ _id: sessionId, peakViewers: { $lt: peak } }, { $set: { peakViewers: peak } });
  }
}
