import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import type { HubContext } from '../../platform/context.ts';
import { HttpError, conflict } from '../../platform/errors.ts';
import { sessionStatus } from '../sessions/liveState.ts';
import type { LiveConnection } from '../liveSocket.ts';
import type { MediaPool } from './mediaPool.ts';
import type { MediaRoom } from './mediaRoom.ts';

// mediasoup's own parameter objects are checked for shape here and in depth by mediasoup.
const anyObject = z.record(z.unknown());
const transportId = z.string().uuid('transportId must be a transport id');
const consumerId = z.string().uuid('consumerId must be a consumer id');
const payloads = {
  createTransport: z.object({ direction: z.enum(['send', 'recv']) }).strict(),
  connectTransport: z
    .object({
      transportId,
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
  produce: z.object({ transportId, kind: z.enum(['audio', 'video']), rtpParameters: anyObject, appData: anyObject.optional() }).strict(),
  consume: z.object({ transportId, rtpCapabilities: anyObject }).strict(),
  resumeConsumer: z.object({ consumerId }).strict(),
  // 0 流畅 … 2 高清; null lets the bandwidth decide.
  setPreferredLayers: z
    .object({
      consumerId,
      spatialLayer: z
        .number({ invalid_type_error: 'spatialLayer must be 0, 1, 2 or null' })
        .int('spatialLayer must be 0, 1, 2 or null')
        .min(0, 'spatialLayer must be 0, 1, 2 or null')
        .max(2, 'spatialLayer must be 0, 1, 2 or null')
        .nullable(),
    })
    .strict(),
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

/** The client's address for the per-address media cap: the proxy's X-Forwarded-For only when it is trusted. */
function clientAddress(socket: Socket, trustProxy: boolean): string {
  const forwarded = socket.handshake.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string' && forwarded) return forwarded.split(',')[0]!.trim();
  return socket.handshake.address;
}

type JoinMedia = { available: true; routerRtpCapabilities: MediaRoom['rtpCapabilities'] } | { available: false };

/**
 * The media:* requests of one connection (transports, produce, consume, layers) on its session's room.
 * Returns what session:join tells about media, and the clean-up when the connection goes.
 */
export function registerMediaHandlers(conn: LiveConnection, ctx: HubContext, media: MediaPool | null, nsp: Namespace) {
  const { socket } = conn;
  /** The session's media room; `asPeer` makes this connection a media peer (capacity is reserved only for those). */
  const room = async (asPeer = true): Promise<MediaRoom> => {
    if (!media) throw new HttpError(503, 'media_unavailable', 'Live video is not available on this server (no mediasoup worker)');
    const { sessionId, role } = conn.joined();
    const status = await sessionStatus(ctx.redis, ctx.config.REDIS_PREFIX, sessionId);
    if (status === 'ended' || status === 'cancelled')
      throw conflict(`Session ${sessionId} is ${status}`, { status: status }, 'wrong_state');
    const r = await media.room(sessionId, (peerId, event, payload) => nsp.to(peerId).emit(event, payload));
    if (asPeer && !r.hasPeer(socket.id)) await r.addPeer(socket.id, role);
    return r;
  };

  conn.on('media:createTransport', payloads.createTransport, async ({ direction }) => {
    if (direction === 'send') {
      const { sessionId } = conn.asHost();
      const status = await sessionStatus(ctx.redis, ctx.config.REDIS_PREFIX, sessionId);
      if (status !== 'live') throw conflict('Go live first (session:start), then send media', { status }, 'wrong_state');
    }
    return (await room()).createTransport(socket.id, direction, clientAddress(socket, ctx.config.HUB_TRUST_PROXY));
  });
  conn.on('media:connectTransport', payloads.connectTransport, async ({ transportId, dtlsParameters }) => {
    const r = await room(false);
    await mediaInput(() => r.connectTransport(socket.id, transportId, dtlsParameters as never));
    return { connected: true };
  });
  conn.on('media:produce', payloads.produce, async ({ transportId, kind, rtpParameters }) => {
    conn.asHost();
    const r = await room(false);
    return mediaInput(() => r.produce(socket.id, transportId, kind, rtpParameters as never));
  });
  conn.on('media:consume', payloads.consume, async ({ transportId, rtpCapabilities }) => {
    const r = await room(false);
    return mediaInput(() => r.consume(socket.id, transportId, rtpCapabilities as never));
  });
  conn.on('media:resumeConsumer', payloads.resumeConsumer, async ({ consumerId }) => {
    await (await room(false)).resumeConsumer(socket.id, consumerId);
    return { resumed: true };
  });
  conn.on('media:setPreferredLayers', payloads.setPreferredLayers, async ({ consumerId, spatialLayer }) => {
    return (await room(false)).setPreferredLayers(socket.id, consumerId, spatialLayer);
  });

  return {
    /** The router's capabilities for a connection that just joined (it becomes a peer only with a transport). */
    joinMedia: async (): Promise<JoinMedia> =>
      media ? { available: true, routerRtpCapabilities: (await room(false)).rtpCapabilities } : { available: false },
    leave: (sessionId: string) => {
      void media
        ?.existingRoom(sessionId)
        ?.then((r) => r.removePeer(socket.id))
        .catch(() => undefined);
    },
  };
}
