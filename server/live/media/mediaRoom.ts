import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import type { HubConfig } from '../../../config/env.ts';
import { HttpError, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { webRtcTransportOptions } from './mediaConfig.ts';
import type { MediaPool, WorkerSlot } from './mediaPool.ts';
import { componentLogger } from '../../platform/logger.ts';

const log = componentLogger('media-room');

export type PeerRole = 'host' | 'viewer';

/** One router of the room; the first carries the host's producers, the others receive them through pipeToRouter. */
export interface RouterSlot {
  router: ms.Router;
  worker: WorkerSlot;
  /** Consumers on this router plus those reserved for viewers assigned to it. */
  load: number;
  /** Original producer id → the id of its (piped) producer on this router. */
  producerIds: Map<string, string>;
}

interface Peer {
  id: string;
  role: PeerRole;
  slot: RouterSlot;
  reserved: number;
  /** Transports being created (counted against the per-connection cap before mediasoup answers). */
  opening: number;
  transports: Map<string, ms.WebRtcTransport>;
  producers: Map<string, ms.Producer>;
  consumers: Map<string, ms.Consumer>;
}

export type RoomNotify = (
  peerId: string,
  event: 'media:newProducer' | 'media:producerClosed' | 'media:layersChange',
  data: Record<string, unknown>,
) => void;

/**
 * The clear refusal when media capacity is used up: `media_full`, naming which cap (connection, address,
 * session) and its limit. A full session or address is a 503 (try later); a connection asking for more
 * than its share is a 409.
 */
export function mediaFull(scope: 'connection' | 'address' | 'session', limit: number): HttpError {
  const what = { connection: 'this connection', address: 'your network address', session: 'this live session' }[scope];
  return new HttpError(
    scope === 'connection' ? 409 : 503,
    'media_full',
    `No more media transports for ${what} (limit ${limit}); close one or try again later`,
    { scope, limit },
    scope === 'connection' ? undefined : { 'Retry-After': '10' },
  );
}

/** The host's top simulcast layer (three layers: 0, 1, 2; client/src/pages/liveClient.ts SIMULCAST_ENCODINGS). */
export const MAX_SPATIAL_LAYER = 2;

/** The consumers one viewer will need: one per host track (camera and microphone). */
const CONSUMERS_PER_VIEWER = 2;

/**
 * A live session's media, after mediasoup-demo's Room: the host produces into the primary router; each
 * viewer gets a receive transport on a router with spare capacity. When every router is full, a new
 * router on the least-loaded worker joins and the host's producers are piped into it, so one session
 * can use every core.
 */
export class MediaRoom {
  readonly routers: RouterSlot[] = [];
  private readonly peers = new Map<string, Peer>();
  private readonly hostProducers = new Map<string, ms.Producer>();
  private closed = false;
  /** Viewers' open WebRTC transports in this room (MEDIASOUP_MAX_TRANSPORTS_PER_SESSION), counted before creation. */
  private viewerTransports = 0;
  private growing: Promise<RouterSlot> | null = null;
  /** `producers` when the host's producers change, `closed` when the room closes (the recorder follows both). */
  readonly hostEvents = new EventEmitter();

  constructor(
    readonly sessionId: string,
    private readonly pool: MediaPool,
    private readonly config: HubConfig,
    private readonly notify: RoomNotify,
    primary: RouterSlot,
  ) {
    this.routers.push(primary);
  }

  get rtpCapabilities(): ms.RtpCapabilities {
    return this.routers[0]!.router.rtpCapabilities;
  }

  /** The router that holds the host's own producers. */
  get primaryRouter(): ms.Router {
    return this.routers[0]!.router;
  }

  hostProducerList(): ms.Producer[] {
    return [...this.hostProducers.values()];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private get limit(): number {
    return this.config.MEDIASOUP_MAX_CONSUMERS_PER_ROUTER;
  }

  /** A router for a new viewer: the first with room for its consumers, else a new piped one. */
  private async slotForViewer(): Promise<RouterSlot> {
    const free = this.routers.find((s) => s.load + CONSUMERS_PER_VIEWER <= this.limit);
    if (free) return free;
    // Viewers arriving together share one new router instead of each opening their own.
    this.growing ??= this.addRouter().finally(() => (this.growing = null));
    const added = await this.growing;
    return added.load + CONSUMERS_PER_VIEWER <= this.limit ? added : this.slotForViewer();
  }

  private async addRouter(): Promise<RouterSlot> {
    const used = new Set(this.routers.map((s) => s.worker));
    const worker = this.pool.leastLoadedWorker(used);
    const router = await this.pool.createRouter(worker);
    const slot: RouterSlot = { router, worker, load: 0, producerIds: new Map() };
    this.routers.push(slot);
    for (const producer of this.hostProducers.values()) await this.pipeProducer(producer, slot);
    log.info({ sessionId: this.sessionId, routers: this.routers.length, worker: worker.index }, 'room grew onto another router');
    return slot;
  }

  private async pipeProducer(producer: ms.Producer, slot: RouterSlot): Promise<void> {
    const primary = this.routers[0]!;
    if (slot === primary) return;
    const sameWorker = slot.worker === primary.worker;
    const { pipeProducer } = await primary.router.pipeToRouter({ producerId: producer.id, router: slot.router, keepId: !sameWorker });
    if (pipeProducer) slot.producerIds.set(producer.id, pipeProducer.id);
  }

  addPeer(peerId: string, role: PeerRole): Promise<void> {
    return this.addPeerNow(peerId, role);
  }

  private async addPeerNow(peerId: string, role: PeerRole): Promise<void> {
    if (this.closed) throw conflict('The session has ended', { status: 'ended' }, 'wrong_state');
    if (this.peers.has(peerId)) return;
    if (role === 'host') {
      // A reconnecting host replaces its old connection; there is one sender per session.
      for (const peer of this.peers.values()) if (peer.role === 'host') this.removePeer(peer.id);
      this.peers.set(peerId, {
        id: peerId,
        role,
        slot: this.routers[0]!,
        reserved: 0,
        opening: 0,
        transports: new Map(),
        producers: new Map(),
        consumers: new Map(),
      });
      return;
    }
    const slot = await this.slotForViewer();
    slot.load += CONSUMERS_PER_VIEWER;
    this.peers.set(peerId, {
      id: peerId,
      role,
      slot,
      reserved: CONSUMERS_PER_VIEWER,
      opening: 0,
      transports: new Map(),
      producers: new Map(),
      consumers: new Map(),
    });
  }

  private peer(peerId: string): Peer {
    const peer = this.peers.get(peerId);
    if (!peer) throw conflict('Create a media transport first (media:createTransport)', undefined, 'no_transport');
    return peer;
  }

  /**
   * A transport on the peer's router, through its worker's WebRtcServer (no port of its own). Capped per
   * connection, per client address and per session; the host is held only to the per-connection cap, so
   * a full session still has its sender.
   */
  async createTransport(peerId: string, direction: 'send' | 'recv', address = 'local') {
    const peer = this.peer(peerId);
    if (direction === 'send' && peer.role !== 'host') throw forbidden('Only the host sends media');
    const perConnection = this.config.MEDIASOUP_MAX_TRANSPORTS_PER_CONNECTION;
    if (peer.transports.size + peer.opening >= perConnection) throw mediaFull('connection', perConnection);
    const capped = peer.role !== 'host';
    const perSession = this.config.MEDIASOUP_MAX_TRANSPORTS_PER_SESSION;
    if (capped) {
      if (this.viewerTransports >= perSession) throw mediaFull('session', perSession);
      this.viewerTransports += 1;
    }
    let addressSlot: string | null = null;
    let transport: ms.WebRtcTransport;
    peer.opening += 1;
    const release = () => {
      if (!capped) return;
      this.viewerTransports -= 1;
      if (addressSlot) this.pool.releaseAddressSlot(address, addressSlot);
      addressSlot = null;
    };
    try {
      // Shared by every web process (Redis), so an address cannot open its share once per process.
      if (capped) addressSlot = await this.pool.takeAddressSlot(address);
      transport = await peer.slot.router.createWebRtcTransport({
        ...webRtcTransportOptions(peer.slot.worker.webRtcServer),
        appData: { direction },
      });
    } catch (err) {
      release();
      throw err;
    } finally {
      peer.opening -= 1;
    }
    if (!this.peers.has(peerId) || this.closed) {
      // The connection left (or the session ended) while the transport was being made.
      transport.close();
      release();
      throw conflict('The connection left the session', undefined, 'not_joined');
    }
    peer.transports.set(transport.id, transport);
    transport.observer.once('close', () => {
      release();
      peer.transports.delete(transport.id);
    });
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') log.warn({ sessionId: this.sessionId, peerId, state }, 'transport DTLS ended');
    });
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  private transport(peer: Peer, transportId: string): ms.WebRtcTransport {
    const transport = peer.transports.get(transportId);
    if (!transport) throw notFound('Transport');
    return transport;
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    await this.transport(this.peer(peerId), transportId).connect({ dtlsParameters });
  }

  async produce(peerId: string, transportId: string, kind: ms.MediaKind, rtpParameters: ms.RtpParameters) {
    const peer = this.peer(peerId);
    if (peer.role !== 'host') throw forbidden('Only the host sends media');
    if ([...peer.producers.values()].some((p) => p.kind === kind))
      throw conflict(`The host already sends ${kind}`, undefined, 'already_producing');
    const producer = await this.transport(peer, transportId).produce({ kind, rtpParameters });
    peer.producers.set(producer.id, producer);
    this.hostProducers.set(producer.id, producer);
    producer.observer.once('close', () => {
      peer.producers.delete(producer.id);
      this.hostProducers.delete(producer.id);
      this.hostEvents.emit('producers');
    });
    this.hostEvents.emit('producers');
    for (const slot of this.routers.slice(1)) await this.pipeProducer(producer, slot);
    for (const other of this.peers.values()) {
      if (other.role === 'viewer') this.notify(other.id, 'media:newProducer', { producerId: producer.id, kind });
    }
    return { id: producer.id };
  }

  /**
   * A host track that comes from outside a browser (RTMP ingest through FFmpeg into a PlainTransport, or WHIP
   * into a WebRtcTransport, on the primary router): viewers consume it exactly like a browser host's producer.
   */
  async addExternalProducer(producer: ms.Producer): Promise<void> {
    if (this.closed) throw conflict('The session has ended', { status: 'ended' }, 'wrong_state');
    this.hostProducers.set(producer.id, producer);
    producer.observer.once('close', () => {
      this.hostProducers.delete(producer.id);
      this.hostEvents.emit('producers');
    });
    for (const slot of this.routers.slice(1)) await this.pipeProducer(producer, slot);
    for (const other of this.peers.values()) {
      if (other.role === 'viewer') this.notify(other.id, 'media:newProducer', { producerId: producer.id, kind: producer.kind });
    }
    this.hostEvents.emit('producers');
  }

  /**
   * A WebRtcTransport for an encoder that publishes over WHIP: on the primary router, through its worker's
   * WebRtcServer like every browser transport. Its producers join through addExternalProducer.
   */
  async createIngestTransport(): Promise<ms.WebRtcTransport> {
    if (this.closed) throw conflict('The session has ended', undefined, 'wrong_state');
    const primary = this.routers[0]!;
    return primary.router.createWebRtcTransport({ ...webRtcTransportOptions(primary.worker.webRtcServer), appData: { ingest: 'whip' } });
  }

  /** Consumers (paused until resumed) for every host track this viewer does not receive yet. */
  async consume(peerId: string, transportId: string, rtpCapabilities: ms.RtpCapabilities) {
    const peer = this.peer(peerId);
    const transport = this.transport(peer, transportId);
    const have = new Set([...peer.consumers.values()].map((c) => c.appData.originalProducerId as string));
    const created = [];
    for (const producer of this.hostProducers.values()) {
      if (have.has(producer.id)) continue;
      const localId = peer.slot === this.routers[0] ? producer.id : peer.slot.producerIds.get(producer.id);
      if (!localId) continue;
      if (!peer.slot.router.canConsume({ producerId: localId, rtpCapabilities })) {
        throw new HttpError(400, 'validation_failed', `Invalid field "rtpCapabilities": this browser cannot receive ${producer.kind}`);
      }
      const consumer = await transport.consume({
        producerId: localId,
        rtpCapabilities,
        paused: true,
        appData: { originalProducerId: producer.id },
      });
      peer.consumers.set(consumer.id, consumer);
      // Reserved capacity turns into real consumers; anything beyond the reservation adds load.
      if (peer.reserved > 0) peer.reserved -= 1;
      else peer.slot.load += 1;
      const release = () => {
        if (peer.consumers.delete(consumer.id)) peer.slot.load -= 1;
      };
      consumer.observer.once('close', release);
      consumer.on('producerclose', () => {
        this.notify(peer.id, 'media:producerClosed', { producerId: producer.id, consumerId: consumer.id });
        consumer.close();
      });
      if (consumer.kind === 'video') {
        // The viewer page shows which simulcast layer its bandwidth (or its choice) gets.
        consumer.on('layerschange', (layers) => {
          this.notify(peer.id, 'media:layersChange', {
            consumerId: consumer.id,
            spatialLayer: layers?.spatialLayer ?? null,
            temporalLayer: layers?.temporalLayer ?? null,
          });
        });
      } else {
        // Under a tight downlink, sound keeps its share first: a viewer can follow the pitch without the picture.
        await consumer.setPriority(2);
      }
      created.push({ id: consumer.id, producerId: producer.id, kind: consumer.kind, rtpParameters: consumer.rtpParameters });
    }
    return { consumers: created };
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    const consumer = this.peer(peerId).consumers.get(consumerId);
    if (!consumer) throw notFound('Consumer');
    await consumer.resume();
  }

  /**
   * The viewer's choice of simulcast layer (0 lowest … 2 highest; null automatic, that is the highest, which the
   * bandwidth estimate then caps). mediasoup clamps to the layers the host actually sends.
   */
  async setPreferredLayers(peerId: string, consumerId: string, spatialLayer: number | null): Promise<{ spatialLayer: number | null }> {
    const consumer = this.peer(peerId).consumers.get(consumerId);
    if (!consumer) throw notFound('Consumer');
    if (consumer.kind !== 'video') throw conflict('Only a video consumer has quality layers', undefined, 'not_video');
    await consumer.setPreferredLayers({ spatialLayer: spatialLayer ?? MAX_SPATIAL_LAYER });
    return { spatialLayer };
  }

  hasPeer(peerId: string): boolean {
    return this.peers.has(peerId);
  }

  /** Closes a peer's transports (and so its producers and consumers) and frees its capacity. */
  removePeer(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.peers.delete(peerId);
    for (const transport of peer.transports.values()) transport.close();
    peer.slot.load -= peer.reserved;
    peer.reserved = 0;
  }

  stats() {
    return {
      sessionId: this.sessionId,
      peers: this.peers.size,
      viewerTransports: this.viewerTransports,
      producers: this.hostProducers.size,
      routers: this.routers.map((s) => ({ routerId: s.router.id, worker: s.worker.index, load: s.load })),
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.routers) {
      slot.router.close();
      slot.worker.routers -= 1;
    }
    this.peers.clear();
    this.hostProducers.clear();
    this.hostEvents.emit('closed');
  }
}
