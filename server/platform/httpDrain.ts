import type http from 'node:http';
import net from 'node:net';

/**
 * Graceful stop of an HTTP server under traffic (issue 11.8). `server.close()` also drops idle keep-alive
 * connections at once, racing clients that are just sending their next request on one (they see a reset),
 * and its callback waits for every connection, WebSockets included. Instead, once draining:
 * - the listener closes at once (net-level close): new connections are refused, never half-accepted;
 * - every answer from then on says `Connection: close`, so each connection ends after its current request;
 * - connections idle since before are left to the keep-alive timeout, which clients anticipate (Node
 *   announces it in `Keep-Alive: timeout=5`), and are closed only when the drain time runs out.
 * Socket.IO's long-polling requests and upgraded WebSockets are not counted: Socket.IO closes them after.
 */
export interface HttpDrain {
  /** Requests being answered now (Socket.IO polling excluded). */
  readonly inFlight: number;
  drain(options?: { timeoutMs?: number }): Promise<{ unfinished: number; openConnections: number }>;
}

export function trackHttpRequests(server: http.Server): HttpDrain {
  const active = new Set<http.ServerResponse>();
  const connections = new Set<net.Socket>();
  let draining = false;
  let changed: (() => void) | null = null;
  const notify = () => changed?.();

  server.on('connection', (socket: net.Socket) => {
    connections.add(socket);
    socket.once('close', () => {
      connections.delete(socket);
      notify();
    });
  });
  // A WebSocket is Socket.IO's to close.
  server.on('upgrade', (req: http.IncomingMessage) => {
    connections.delete(req.socket);
    notify();
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url?.startsWith('/socket.io/')) {
      connections.delete(req.socket);
      return;
    }
    active.add(res);
    if (draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      active.delete(res);
      notify();
    });
  });

  return {
    get inFlight() {
      return active.size;
    },
    async drain({ timeoutMs = 10_000 } = {}) {
      draining = true;
      for (const res of active) if (!res.headersSent) res.setHeader('Connection', 'close');
      // Stop accepting without http.Server.close()'s immediate drop of idle keep-alive connections.
      if (server.listening) net.Server.prototype.close.call(server);
      const deadline = Date.now() + timeoutMs;
      while (connections.size > 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now())));
          changed = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        changed = null;
      }
      const result = { unfinished: active.size, openConnections: connections.size };
      server.closeAllConnections();
      return result;
    },
  };
}
