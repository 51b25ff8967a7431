/**
 * Several web processes behind one port (issue 9.5), as `npm start` runs by default (HUB_WEB_PROCESSES,
 * default one per core). The primary owns the listening socket and hands each new TCP connection, with the
 * first bytes it read, to one web process:
 * - a connection whose first request names a live session (`?session=<id>`, which the live pages add to
 *   their Socket.IO connection) goes to the process that owns that session (a stable hash of the id), so a
 *   session's Socket.IO room and its mediasoup router stay in one process, as docs/live.md requires;
 * - every other connection goes to the next process in turn (REST is stateless; state is in Redis).
 * The primary touches no database and is never on the data path after the hand-off (the socket's file
 * descriptor moves to the web process). A web process that dies is started again in its slot.
 */
import cluster, { type Worker } from 'node:cluster';
import type http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import type { HubConfig } from '../config/env.ts';

/** The primary hands a connection to a web process (with the first bytes it read). */
export const CONNECTION = 'hub:connection';
/** A web process took a handed connection (the primary may let go of its copy). */
const TOOK = 'hub:took';
const READY = 'hub:ready';

/** The web process a session belongs to, out of `count`: stable for a given count. */
export function sessionSlot(sessionId: string, count: number): number {
  let hash = 0;
  for (let i = 0; i < sessionId.length; i += 1) hash = (hash * 31 + sessionId.charCodeAt(i)) >>> 0;
  return hash % count;
}

/** The live session named by the request line (`GET /socket.io/?session=<id>&EIO=4… HTTP/1.1`), if any. */
export function sessionOfRequest(firstBytes: Buffer): string | null {
  const line = firstBytes.subarray(0, Math.min(firstBytes.length, 2048)).toString('latin1').split('\r\n', 1)[0] ?? '';
  const match = /[?&]session=([0-9a-fA-F]{24})(?:[&\s#]|$)/.exec(line);
  return match ? match[1]!.toLowerCase() : null;
}

export function webProcessCount(config: HubConfig): number {
  return config.HUB_WEB_PROCESSES ?? os.availableParallelism();
}

interface Slot {
  worker: Worker | null;
  ready: boolean;
}

/** The primary: listens, routes connections, restarts web processes, stops them on SIGTERM/SIGINT. */
export async function runPrimary(
  config: HubConfig,
  count: number,
  log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void },
): Promise<void> {
  const slots: Slot[] = Array.from({ length: count }, () => ({ worker: null, ready: false }));
  let stopping = false;
  let turn = 0;
  /**
   * Connections handed to a web process that has not said it took them yet. The primary keeps its copy of each
   * until then: a process killed with a connection in flight (sent, or queued behind Node's one-handle-at-a-time
   * IPC) would otherwise leave it open in the primary forever, and the client would wait for an answer that
   * never comes (the stalled `npm run chaos` runs). On the process's exit they are closed, so clients retry.
   */
  const handed = new Map<Worker, Map<number, net.Socket>>();
  let handoffs = 0;
  /** Slots whose process was up once: a restart that fails (the database or Redis restarting too) is retried. */
  const wasUp = new Set<number>();
  // Each web process gets its share of the cores for mediasoup unless set.
  const mediaWorkers = config.MEDIASOUP_NUM_WORKERS ?? Math.max(1, Math.floor(os.availableParallelism() / count));

  const fork = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ HUB_WEB_PROCESS_INDEX: String(index), MEDIASOUP_NUM_WORKERS: String(mediaWorkers) });
      slots[index] = { worker, ready: false };
      handed.set(worker, new Map());
      worker.on('message', (m: unknown) => {
        const message = m as { type?: string; id?: number };
        if (message?.type === TOOK) {
          const pending = handed.get(worker);
          pending?.get(message.id!)?.destroy(); // the primary's copy only: the web process holds the connection
          pending?.delete(message.id!);
          return;
        }
        if (message?.type !== READY) return;
        slots[index]!.ready = true;
        wasUp.add(index);
        resolve();
      });
      worker.once('exit', (code, signal) => {
        const lost = handed.get(worker);
        handed.delete(worker);
        if (lost?.size) log.warn({ index, connections: lost.size }, 'web process died holding connections not yet taken; closed them');
        for (const socket of lost?.values() ?? []) socket.destroy();
        const wasReady = slots[index]!.ready;
        slots[index] = { worker: null, ready: false };
        if (stopping) return;
        // At first start it printed why (a bad setting, an unreachable database): stop with its code. A restart
        // that fails (a service restarting at the same moment) is tried again, or the slot would stay empty.
        if (!wasReady && !wasUp.has(index)) {
          void reject;
          process.exit(code || 1);
        }
        log.warn(
          { index, code, signal },
          wasReady ? 'web process exited; starting it again' : 'web process failed to restart; trying again',
        );
        const again = () =>
          void fork(index).catch((err) => log.warn({ index, err: (err as Error).message }, 'web process could not restart'));
        if (wasReady) again();
        else setTimeout(again, 1000);
      });
    });

  const pick = (session: string | null): Worker | null => {
    const ready = slots.filter((s) => s.ready && s.worker);
    if (!ready.length) return null;
    if (session) {
      const own = slots[sessionSlot(session, count)]!;
      if (own.ready && own.worker) return own.worker;
    }
    turn = (turn + 1) % ready.length;
    return ready[turn]!.worker;
  };

  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      const worker = pick(sessionOfRequest(first));
      const pending = worker ? handed.get(worker) : undefined;
      if (!worker || !pending) return socket.destroy();
      const id = (handoffs += 1);
      pending.set(id, socket);
      worker.send({ type: CONNECTION, id, data: first.toString('base64') }, socket, { keepOpen: true }, (err) => {
        if (!err) return;
        pending.delete(id);
        socket.destroy();
      });
    });
    socket.resume();
  });

  // The first process alone seeds the database (indexes, policies, first user); then the others start.
  await fork(0);
  await Promise.all(slots.slice(1).map((_, i) => fork(i + 1)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info({ port, webProcesses: count }, 'listening');
  process.stdout.write(
    `Dehua Live Hub is up: http://localhost:${port}/  (API: http://localhost:${port}/api/v1/openapi.json; ${count} web processes)\n`,
  );

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping web processes');
    // New connections are refused from now on; each web process drains and flushes (server/main.ts).
    server.close();
    const exits = slots.map(
      (slot) =>
        new Promise<number>((resolve) => {
          const worker = slot.worker;
          if (!worker || worker.isDead()) return resolve(0);
          worker.once('exit', (code) => resolve(code ?? 1));
          worker.process.kill('SIGTERM');
        }),
    );
    const codes = await Promise.all(exits);
    process.exit(codes.every((c) => c === 0) ? 0 : 1);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * A web process under the primary: takes the connections it is handed; tells the primary when it is ready.
 * Answers a function that stops taking them.
 */
export function serveHandedConnections(server: http.Server): () => void {
  // What a server that listens does when it starts: Node's HTTP server begins tracking its connections there
  // (headersTimeout and requestTimeout against slow clients, closeAllConnections at the end of a drain), and
  // Engine.IO sets up its WebSocket server. A server fed handed connections never listens, so say it here.
  server.emit('listening');
  const take = (m: unknown, socket?: net.Socket) => {
    const message = m as { type?: string; id?: number; data?: string };
    if (message?.type !== CONNECTION) return;
    // Taken (or arrived without its handle): the primary closes its copy either way.
    if (process.connected) process.send?.({ type: TOOK, id: message.id });
    if (!socket) return;
    server.emit('connection', socket);
    socket.emit('data', Buffer.from(message.data ?? '', 'base64'));
    socket.resume();
  };
  process.on('message', take);
  return () => void process.off('message', take);
}

export function announceReady(): void {
  if (process.connected) process.send?.({ type: READY });
}

/** A web process whose primary is gone (killed) stops too, rather than serving nothing forever. */
export function exitWithPrimary(shutdown: () => void): void {
  if (process.connected) process.once('disconnect', shutdown);
  else shutdown();
}
