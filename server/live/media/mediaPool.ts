import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import type { HubConfig } from '../../../config/env.ts';
import { MEDIA_CODECS, webRtcServerListenInfos } from './mediaConfig.ts';
import { MediaRoom, mediaFull, type RoomNotify } from './mediaRoom.ts';
import { componentLogger } from '../../platform/logger.ts';
import type { Redis } from 'ioredis';
import { AddressSlots } from './addressSlots.ts';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const log = componentLogger('media');

export interface WorkerSlot {
  index: number;
  worker: ms.Worker;
  /** The worker's single UDP + TCP listener every WebRTC transport on it shares. */
  webRtcServer: ms.WebRtcServer;
  routers: number;
}

/** Where the mediasoup-worker binary is: the configured one, the npm build, or the one scripts/build-mediasoup-worker.sh caches. */
export function findWorkerBinary(config: Pick<HubConfig, 'MEDIASOUP_WORKER_BIN'>): string | null {
  const candidates = [
    config.MEDIASOUP_WORKER_BIN,
    path.join(ROOT, 'node_modules/mediasoup/worker/out/Release/mediasoup-worker'),
    path.join(ROOT, '.cache/mediasoup/3.19.3/mediasoup-worker'),
  ].filter((c): c is string => Boolean(c));
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** The UDP and TCP ports a WebRtcServer listens on. */
export async function webRtcServerPorts(server: ms.WebRtcServer): Promise<{ udp: number[]; tcp: number[] }> {
  const dump = await server.dump();
  return { udp: dump.udpSockets.map((s) => s.port), tcp: dump.tcpServers.map((s) => s.port) };
}

/** One mediasoup worker per core and the live rooms on them (rooms are local to this process). */
export class MediaPool {
  readonly workers: WorkerSlot[] = [];
  private readonly rooms = new Map<string, Promise<MediaRoom>>();
  private stopping = false;
  /** Called with each new room (the recorder attaches here). */
  private readonly roomListeners: ((room: MediaRoom) => void)[] = [];

  private constructor(
    private readonly config: HubConfig,
    /** Open transports per client address, across every web process (MEDIASOUP_MAX_TRANSPORTS_PER_ADDRESS). */
    private readonly addressSlots: AddressSlots,
  ) {}

  /** Starts the workers, or returns null (with the reason logged) when no worker binary exists. */
  static async start(config: HubConfig, redis: Redis): Promise<MediaPool | null> {
    const bin = findWorkerBinary(config);
    if (!bin) {
      log.warn(
        'mediasoup-worker binary not found (set MEDIASOUP_WORKER_BIN or run scripts/build-mediasoup-worker.sh): live video is OFF, scheduling, chat and orders still work',
      );
      return null;
    }
    // mediasoup reads MEDIASOUP_WORKER_BIN when its module loads, hence the late import.
    process.env.MEDIASOUP_WORKER_BIN = bin;
    const mediasoup = await import('mediasoup');
    const pool = new MediaPool(config, new AddressSlots(redis, config.REDIS_PREFIX, config.MEDIASOUP_MAX_TRANSPORTS_PER_ADDRESS));
    const count = config.MEDIASOUP_NUM_WORKERS ?? os.availableParallelism();
    for (let index = 0; index < count; index += 1) pool.workers.push(await pool.spawn(mediasoup, index));
    log.info({ workers: count, bin }, 'mediasoup workers up');
    return pool;
  }

  private async spawn(mediasoup: typeof import('mediasoup'), index: number): Promise<WorkerSlot> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn', appData: { index } });
    const slot: WorkerSlot = { index, worker, webRtcServer: await this.createWebRtcServer(worker, index), routers: 0 };
    worker.on('died', (err) => {
      log.error({ index, err: err.message }, 'mediasoup worker died; its rooms closed, starting a replacement');
      for (const [sessionId, room] of this.rooms) {
        void room.then((r) => {
          if (r.routers.some((s) => s.worker === slot)) this.closeRoom(sessionId);
        });
      }
      if (this.stopping) return;
      setTimeout(() => {
        void this.spawn(mediasoup, index)
          .then((replacement) => (this.workers[this.workers.indexOf(slot)] = replacement))
          .catch((e) => log.error({ err: String(e) }, 'replacement worker failed'));
      }, 1000).unref();
    });
    return slot;
  }

  /**
   * One UDP and one TCP port per worker (MEDIASOUP_WEBRTC_PORT + the worker's place among all the web processes'
   * workers: HUB_WEB_PROCESS_INDEX × workers per process + index), so viewers never use up a port range. When that port is taken (another hub process on this machine), a free one from
   * MEDIASOUP_MIN_PORT..MAX_PORT is used instead, with a warning naming it.
   */
  private async createWebRtcServer(worker: ms.Worker, index: number): Promise<ms.WebRtcServer> {
    const base = this.config.MEDIASOUP_WEBRTC_PORT;
    const processIndex = this.config.HUB_WEB_PROCESS_INDEX ?? 0;
    const perProcess = this.config.MEDIASOUP_NUM_WORKERS ?? os.availableParallelism();
    const port = base === 0 ? undefined : base + processIndex * perProcess + index;
    try {
      return await worker.createWebRtcServer({ listenInfos: webRtcServerListenInfos(this.config, port) });
    } catch (err) {
      if (port === undefined) throw err;
      const server = await worker.createWebRtcServer({ listenInfos: webRtcServerListenInfos(this.config, undefined) });
      const ports = await webRtcServerPorts(server);
      log.warn(
        { index, wanted: port, err: err instanceof Error ? err.message : String(err), ports },
        'WebRTC port taken: this worker listens on a port from MEDIASOUP_MIN_PORT..MEDIASOUP_MAX_PORT instead',
      );
      return server;
    }
  }

  /** The worker with the fewest routers, preferring ones not in `avoid` (to spread a session across cores). */
  leastLoadedWorker(avoid: Set<WorkerSlot> = new Set()): WorkerSlot {
    const alive = this.workers.filter((w) => !w.worker.closed);
    const fresh = alive.filter((w) => !avoid.has(w));
    const pool = fresh.length ? fresh : alive;
    if (!pool.length) throw new Error('no mediasoup worker is running');
    return pool.reduce((a, b) => (b.routers < a.routers ? b : a));
  }

  async createRouter(slot: WorkerSlot): Promise<ms.Router> {
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    slot.routers += 1;
    return router;
  }

  /** The session's room, created on first use. */
  room(sessionId: string, notify: RoomNotify): Promise<MediaRoom> {
    let room = this.rooms.get(sessionId);
    if (!room) {
      room = (async () => {
        const worker = this.leastLoadedWorker();
        const router = await this.createRouter(worker);
        const created = new MediaRoom(sessionId, this, this.config, notify, { router, worker, load: 0, producerIds: new Map() });
        for (const listener of this.roomListeners) listener(created);
        return created;
      })();
      this.rooms.set(sessionId, room);
      room.catch(() => this.rooms.delete(sessionId));
    }
    return room;
  }

  onRoom(listener: (room: MediaRoom) => void): void {
    this.roomListeners.push(listener);
  }

  existingRoom(sessionId: string): Promise<MediaRoom> | undefined {
    return this.rooms.get(sessionId);
  }

  closeRoom(sessionId: string): void {
    const room = this.rooms.get(sessionId);
    if (!room) return;
    this.rooms.delete(sessionId);
    void room.then((r) => r.close()).catch(() => undefined);
  }

  /** Counts a transport against its client's address (every process); throws media_full when the address has its share. */
  async takeAddressSlot(address: string): Promise<string> {
    const slot = await this.addressSlots.take(address);
    if (slot === null) throw mediaFull('address', this.addressSlots.limit);
    return slot;
  }

  releaseAddressSlot(address: string, slot: string): void {
    this.addressSlots.release(address, slot);
  }

  /** Open transports of the address across every web process. */
  transportsOf(address: string): Promise<number> {
    return this.addressSlots.count(address);
  }

  roomCount(): number {
    return this.rooms.size;
  }

  async close(): Promise<void> {
    this.stopping = true;
    for (const sessionId of [...this.rooms.keys()]) this.closeRoom(sessionId);
    for (const slot of this.workers) slot.worker.close();
    await this.addressSlots.close();
  }
}
