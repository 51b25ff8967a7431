import { z, type ZodTypeAny } from 'zod';
import type { Namespace, Server as SocketServer, Socket } from 'socket.io';
import type { Redis } from 'ioredis';
import type { HubContext } from '../platform/context.ts';
import type { AuthUser } from '../platform/auth/roles.ts';
import { verifyToken } from '../platform/auth/tokens.ts';
import { HttpError, conflict, errorParams, forbidden, notFound, unauthenticated, validationError } from '../platform/errors.ts';
import { hubEvents } from '../platform/events.ts';
import { objectId } from '../platform/http/schemas.ts';
import { componentLogger } from '../platform/logger.ts';
import { LiveSessionModel } from './sessions/session.model.ts';
import { endSession, pinProduct, pinnedProduct, sessionDto, sessionShelf, startSession } from './sessions/sessionService.ts';
import { sessionStatus } from './sessions/liveState.ts';
import { chatHistory, removeChatMessage, sendChat, setMuted, CHAT_MAX_LENGTH } from './chat/chatService.ts';
import { sessionSalesKey, sessionSalesTotals, stockKey } from '../commerce/orders/stockLedger.ts';
import { liveBusChannel, type LiveBusMessage } from './bus.ts';
import type { MediaPool } from './media/mediaPool.ts';
import type { MediaRoom } from './media/mediaRoom.ts';

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
  connectTransport: z.object({ transportId: z.string().uuid('transportId must be a transport id'), dtlsParameters: anyObject }).strict(),
  produce: z.object({ transportId: z.string().uuid('transportId must be a transport id'), kind: z.enum(['audio', 'video']), rtpParameters: anyObject, appData: anyObject.optional() }).strict(),
  consume: z.object({ transportId: z.string().uuid('transportId must be a transport id'), rtpCapabilities: anyObject }).strict(),
  resumeConsumer: z.object({ consumerId: z.string().uuid('consumerId must be a consumer id') }).strict(),
  chat: z.object({ text: z.string().max(CHAT_MAX_LENGTH * 4, `text must be at most ${CHAT_MAX_LENGTH} characters`) }).strict(),
  mute: z.object({ userId: objectId('userId'), muted: z.boolean().default(true) }).strict(),
  removeMessage: z.object({ messageId: z.string().uuid('messageId must be a message id') }).strict(),
  pin: z.object({ productId: objectId('productId').nullable() }).strict(),
};

function errorReply(err: unknown) {
  if (err instanceof HttpError) return { error: { code: err.code, message: err.message, params: errorParams(err), ...(err.details !== undefined ? { details: err.details } : {}) } };
  log.error({ err }, 'signalling handler failed');
  return { error: { code: 'internal', message: 'Internal error; the hub logged it' } };
}

/** Viewer counts per session live in Redis (all processes); the peak is kept for the session record. */
const PEAK_SCRIPT = `
local count = redis.call('SCARD', KEYS[1])
local peak = tonumber(redis.call('GET', KEYS[2]) or '0')
if count > peak then redis.call('SET', KEYS[2], count, 'EX', 604800); peak = count end
return {count, peak}
`;

export class LiveSignalling {
  readonly nsp: Namespace;
  private readonly pendingViewerFlush = new Map<string, NodeJS.Timeout>();
  private readonly pendingSales = new Map<string, { products: Set<string>; timer: NodeJS.Timeout }>();
  private subscriber: Redis | null = null;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(io: SocketServer, private readonly ctx: HubContext, private readonly media: MediaPool | null) {
    this.nsp = io.of(LIVE_NAMESPACE);
    this.nsp.use((socket, next) => {
      // Anonymous viewers may watch; a valid token identifies hosts and chatting or buying viewers.
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token === 'string' && token) {
        const check = verifyToken(token, ctx.config.HUB_JWT_SECRET);
        if (!check.ok) return next(new Error('invalid token: sign in again'));
        (socket.data as LiveSocketData).user = check.user;
      }
      next();
    });
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
        const timer = setTimeout(() => void this.flushSales(sessionId).catch((err) => log.warn({ err: String(err) }, 'sales push failed')), 200);
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
      sessionId, orders: Number(sales.orders ?? 0), quantity: Number(sales.quantity ?? 0), amountFen: Number(sales.amountFen ?? 0),
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
      if (status === 'ended' || status === 'cancelled') throw conflict(`Session ${sessionId} is ${status}`, undefined, 'wrong_state');
      const r = await this.media.room(sessionId, (peerId, event, payload) => this.nsp.to(peerId).emit(event, payload));
      if (asPeer && !r.hasPeer(socket.id)) await r.addPeer(socket.id, role);
      return r;
    };

    on('session:join', schemas.join, async ({ sessionId, role }) => {
      if (data.sessionId) throw conflict(`This connection already joined session ${data.sessionId}; open a new one`, undefined, 'already_joined');
      const session = await LiveSessionModel.findById(sessionId).lean();
      if (!session) throw notFound('Session');
      if (role === 'host' && (!data.user || String(session.hostUserId) !== data.user.id)) throw forbidden('Only the host of this session may join as host');
      if (session.status === 'ended' || session.status === 'cancelled') throw conflict(`Session ${sessionId} is ${session.status}`, undefined, 'wrong_state');
      data.sessionId = sessionId;
      data.role = role;
      await socket.join(sessionRoom(sessionId));
      if (role === 'host') await socket.join(hostRoom(sessionId));
      else {
        await this.ctx.redis.sadd(this.viewersKey(sessionId), socket.id);
        this.scheduleViewerFlush(sessionId);
      }
      const dto = sessionDto(session);
      const [shelf, pinned, chat, viewers, sales] = await Promise.all([
        sessionShelf(this.ctx, dto.productIds),
        pinnedProduct(this.ctx, sessionId),
        chatHistory(this.ctx, sessionId),
        this.ctx.redis.scard(this.viewersKey(sessionId)),
        role === 'host' ? sessionSalesTotals(this.ctx.redis, this.prefix, sessionId) : Promise.resolve(null),
      ]);
      return {
        session: { id: dto.id, title: dto.title, status: dto.status, hostUserId: dto.hostUserId, startsAt: dto.startsAt, endsAt: dto.endsAt, productIds: dto.productIds },
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
        if (status !== 'live') throw conflict('Go live first (session:start), then send media', undefined, 'wrong_state');
      }
      return (await room()).createTransport(socket.id, direction);
    });
    on('media:connectTransport', schemas.connectTransport, async ({ transportId, dtlsParameters }) => {
      await (await room(false)).connectTransport(socket.id, transportId, dtlsParameters as never);
      return { connected: true };
    });
    on('media:produce', schemas.produce, async ({ transportId, kind, rtpParameters }) => {
      asHost();
      return (await room(false)).produce(socket.id, transportId, kind, rtpParameters as never);
    });
    on('media:consume', schemas.consume, async ({ transportId, rtpCapabilities }) =>
      (await room(false)).consume(socket.id, transportId, rtpCapabilities as never),
    );
    on('media:resumeConsumer', schemas.resumeConsumer, async ({ consumerId }) => {
      await (await room(false)).resumeConsumer(socket.id, consumerId);
      return { resumed: true };
    });

    on('chat:send', schemas.chat, async ({ text }) => {
      const { sessionId } = joined();
      const message = await sendChat(this.ctx, signedIn(), sessionId, text);
      this.nsp.to(sessionRoom(sessionId)).emit('chat:message', message);
      return { message };
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
      void this.media?.existingRoom(sessionId)?.then((r) => r.removePeer(socket.id)).catch(() => undefined);
      if (role === 'viewer') {
        void this.ctx.redis.srem(this.viewersKey(sessionId), socket.id).then(() => this.scheduleViewerFlush(sessionId));
      }
    });
  }

  private viewersKey(sessionId: string): string {
    return `${this.prefix}:live:viewers:${sessionId}`;
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
    const [count, peak] = (await this.ctx.redis.eval(PEAK_SCRIPT, 2, this.viewersKey(sessionId), `${this.prefix}:live:peak:${sessionId}`)) as [number, number];
    this.nsp.to(sessionRoom(sessionId)).emit('viewers', { sessionId, count, peak });
    hubEvents.emit('session.viewers', { sessionId, viewers: count });
    await LiveSessionModel.updateOne({ _id: sessionId, peakViewers: { $lt: peak } }, { $set: { peakViewers: peak } });
  }
}
