import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import type { HubConfig } from '../../../config/env.ts';
import { MEDIA_CODECS } from './mediaConfig.ts';
import { MediaRoom, type RoomNotify } from './mediaRoom.ts';
import { componentLogger } from '../../platform/logger.ts';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const log = componentLogger('media');

export interface WorkerSlot {
  index: number;
  worker: ms.Worker;
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

/** One mediasoup worker per core and the live rooms on them (rooms are local to this process). */
export class MediaPool {
  readonly workers: WorkerSlot[] = [];
  private readonly rooms = new Map<string, Promise<MediaRoom>>();
  private stopping = false;
  /** Called with each new room (the recorder attaches here). */
  private readonly roomListeners: ((room: MediaRoom) => void)[] = [];

  private constructor(private readonly config: HubConfig) {}

  /** Starts the workers, or returns null (with the reason logged) when no worker binary exists. */
  static async start(config: HubConfig): Promise<MediaPool | null> {
    const bin = findWorkerBinary(config);
    if (!bin) {
      log.warn('mediasoup-worker binary not found (set MEDIASOUP_WORKER_BIN or run scripts/build-mediasoup-worker.sh): live video is OFF, scheduling, chat and orders still work');
      return null;
    }
    // mediasoup reads MEDIASOUP_WORKER_BIN when its module loads, hence the late import.
    process.env.MEDIASOUP_WORKER_BIN = bin;
    const mediasoup = await import('mediasoup');
    const pool = new MediaPool(config);
    const count = config.MEDIASOUP_NUM_WORKERS ?? os.availableParallelism();
    for (let index = 0; index < count; index += 1) pool.workers.push(await pool.spawn(mediasoup, index));
    log.info({ workers: count, bin }, 'mediasoup workers up');
    return pool;
  }

  private async spawn(mediasoup: typeof import('mediasoup'), index: number): Promise<WorkerSlot> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn', appData: { index } });
    const slot: WorkerSlot = { index, worker, routers: 0 };
    worker.on('died', (err) => {
      log.error({ index, err: err.message }, 'mediasoup worker died; its rooms closed, starting a replacement');
      for (const [sessionId, room] of this.rooms) {
        void room.then((r) => {
          if (r.routers.some((s) => s.worker === slot)) this.closeRoom(sessionId);
        });
      }
      if (this.stopping) return;
      setTimeout(() => {
        void this.spawn(mediasoup, index).then((replacement) => (this.workers[this.workers.indexOf(slot)] = replacement)).catch((e) => log.error({ err: String(e) }, 'replacement worker failed'));
      }, 1000).unref();
    });
    return slot;
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

  roomCount(): number {
    return this.rooms.size;
  }

  async close(): Promise<void> {
    this.stopping = true;
    for (const sessionId of [...this.rooms.keys()]) this.closeRoom(sessionId);
    for (const slot of this.workers) slot.worker.close();
  }
}
