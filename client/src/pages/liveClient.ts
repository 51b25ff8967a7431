/** Shared by the host studio and viewer pages: the /live Socket.IO connection with request/ack and media helpers. */
import './live.css';
import { io, type Socket } from 'socket.io-client';
import { Device } from 'mediasoup-client';
import type { types as msc } from 'mediasoup-client';

export interface LiveError {
  code: string;
  message: string;
  details?: unknown;
  params?: Record<string, string | number | boolean | null>;
}

export class LiveRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly params: Record<string, string | number | boolean | null> = {},
  ) {
    super(message);
  }
}

export interface PinnedProduct {
  id: string;
  name: string;
  category: string;
  priceFen: number;
  stock: number;
}

export interface ChatMessage {
  id: string;
  userId: string;
  username: string;
  text: string;
  at: string;
}

export interface JoinReply {
  session: { id: string; title: string; status: string; hostUserId: string; startsAt: string; endsAt: string; productIds: string[] };
  role: 'host' | 'viewer';
  shelf: PinnedProduct[];
  pinned: PinnedProduct | null;
  chat: ChatMessage[];
  viewers: number;
  sales: { orders: number; quantity: number; amountFen: number } | null;
  media: { available: boolean; routerRtpCapabilities?: msc.RtpCapabilities };
}

/**
 * The HttpOnly session cookie goes with the handshake (same origin), so a signed-in user is known; `sessionId` routes
 * the connection to the web process that holds the session's room and media (server/webCluster.ts).
 */
export function connectLive(sessionId?: string): Socket {
  return io('/live', {
    transports: ['websocket', 'polling'],
    withCredentials: true,
    ...(sessionId ? { query: { session: sessionId } } : {}),
  });
}

/** Emits with an acknowledgement; rejects with the hub's error code and message. */
export async function ask<T = any>(socket: Socket, event: string, payload: unknown = {}): Promise<T> {
  const reply = (await socket.timeout(15_000).emitWithAck(event, payload)) as { data?: T; error?: LiveError };
  if (reply.error) throw new LiveRequestError(reply.error.code, reply.error.message, reply.error.details, reply.error.params ?? {});
  return reply.data as T;
}

async function loadDevice(rtpCapabilities: msc.RtpCapabilities): Promise<Device> {
  const device = new Device();
  await device.load({ routerRtpCapabilities: rtpCapabilities });
  return device;
}

function wireTransport(socket: Socket, transport: msc.Transport): void {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    ask(socket, 'media:connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
  });
}

/**
 * Three simulcast layers (after mediasoup-demo): quarter, half and full resolution with rising bitrates; each
 * viewer's consumer forwards the layer its bandwidth allows, or the one the viewer chose.
 */
export const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

/** The layer a viewer's video consumer currently forwards (null: none, e.g. paused). */
export interface ConsumerLayers {
  consumerId: string;
  spatialLayer: number | null;
  temporalLayer: number | null;
}

/** Host: sends the camera and microphone tracks through a send transport. */
export async function publish(socket: Socket, rtpCapabilities: msc.RtpCapabilities, stream: MediaStream) {
  const device = await loadDevice(rtpCapabilities);
  const params = await ask(socket, 'media:createTransport', { direction: 'send' });
  const transport = device.createSendTransport(params);
  wireTransport(socket, transport);
  transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
    ask<{ id: string }>(socket, 'media:produce', { transportId: transport.id, kind, rtpParameters }).then(
      ({ id }) => callback({ id }),
      errback,
    );
  });
  const producers = [];
  for (const track of stream.getTracks()) {
    producers.push(
      await transport.produce(
        track.kind === 'video' ? { track, encodings: SIMULCAST_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 1000 } } : { track },
      ),
    );
  }
  return { transport, producers, close: () => transport.close() };
}

/** Viewer: receives every host track into one MediaStream, consuming new tracks as the host (re)publishes. */
export async function subscribe(
  socket: Socket,
  rtpCapabilities: msc.RtpCapabilities,
  onTracks: (stream: MediaStream) => void,
  onLayers: (layers: ConsumerLayers) => void = () => undefined,
) {
  const device = await loadDevice(rtpCapabilities);
  const params = await ask(socket, 'media:createTransport', { direction: 'recv' });
  const transport = device.createRecvTransport(params);
  wireTransport(socket, transport);
  const stream = new MediaStream();
  const consumers = new Map<string, msc.Consumer>();
  let busy: Promise<void> = Promise.resolve();
  const consumeAll = () => {
    busy = busy
      .then(async () => {
        const { consumers: list } = await ask<{
          consumers: { id: string; producerId: string; kind: 'audio' | 'video'; rtpParameters: msc.RtpParameters }[];
        }>(socket, 'media:consume', { transportId: transport.id, rtpCapabilities: device.rtpCapabilities });
        for (const c of list) {
          const consumer = await transport.consume(c);
          consumers.set(consumer.id, consumer);
          stream
            .getTracks()
            .filter((t) => t.kind === consumer.kind)
            .forEach((t) => stream.removeTrack(t));
          stream.addTrack(consumer.track);
          if (consumer.kind === 'video' && preferred !== null)
            await ask(socket, 'media:setPreferredLayers', { consumerId: consumer.id, spatialLayer: preferred });
          await ask(socket, 'media:resumeConsumer', { consumerId: consumer.id });
        }
        onTracks(stream);
      })
      .catch((err) => console.warn('consume failed', err));
  };
  const onNewProducer = () => consumeAll();
  const onProducerClosed = ({ consumerId }: { consumerId: string }) => {
    const consumer = consumers.get(consumerId);
    if (!consumer) return;
    consumers.delete(consumerId);
    stream.removeTrack(consumer.track);
    consumer.close();
  };
  const onLayersChange = (layers: ConsumerLayers) => {
    if (consumers.get(layers.consumerId)?.kind === 'video') onLayers(layers);
  };
  /** The viewer's choice of layer for every video consumer: 0 lowest … 2 highest, null automatic; kept for new consumers. */
  let preferred: number | null = null;
  const applyPreferred = async () => {
    for (const consumer of consumers.values()) {
      if (consumer.kind === 'video') await ask(socket, 'media:setPreferredLayers', { consumerId: consumer.id, spatialLayer: preferred });
    }
  };
  socket.on('media:newProducer', onNewProducer);
  socket.on('media:producerClosed', onProducerClosed);
  socket.on('media:layersChange', onLayersChange);
  consumeAll();
  return {
    /** Bytes received so far over RTP on this connection's inbound streams. */
    async bytesReceived(): Promise<number> {
      let total = 0;
      for (const consumer of consumers.values()) {
        const report = await consumer.getStats();
        report.forEach((s: { type: string; bytesReceived?: number }) => {
          if (s.type === 'inbound-rtp') total += s.bytesReceived ?? 0;
        });
      }
      return total;
    },
    async setPreferredLayer(spatialLayer: number | null): Promise<void> {
      preferred = spatialLayer;
      await applyPreferred();
    },
    close: () => {
      socket.off('media:newProducer', onNewProducer);
      socket.off('media:producerClosed', onProducerClosed);
      socket.off('media:layersChange', onLayersChange);
      transport.close();
    },
  };
}
