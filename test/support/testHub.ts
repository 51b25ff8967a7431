/**
 * One hub per test process: the real app over real FerretDB and Redis, listening on a free port,
 * with Socket.IO attached exactly as server/main.ts does.
 * Suites share it and isolate themselves with fresh organisations and users (factories.ts).
 */
import { spawn } from 'node:child_process';
import type http from 'node:http';
import path from 'node:path';
import type { Express } from 'express';
import type { HubContext } from '../../server/platform/context.ts';
import { startHub, type RunningHub } from '../../server/startHub.ts';
import type { AttachedSockets } from '../../server/sockets.ts';
import { ROOT, freePort, waitForPort } from '../../scripts/services.ts';

export interface TestHub {
  ctx: HubContext;
  app: Express;
  server: http.Server;
  sockets: AttachedSockets;
  baseUrl: string;
}

let hub: Promise<TestHub & { running: RunningHub }> | null = null;

export function getTestHub(): Promise<TestHub> {
  hub ??= (async () => {
    const running = await startHub({ listen: { port: 0, host: '127.0.0.1' } });
    const { ctx, app, server, sockets, port } = running;
    if (Number(process.env.HUB_TEST_WEB_PROCESSES ?? 0) > 1) {
      // Cluster mode (`npm run test:cluster`): HTTP and sockets go to server/main.ts with that many web
      // processes behind one port, on the same database, Redis and prefix; ctx stays for direct checks.
      webCluster = await startWebCluster(Number(process.env.HUB_TEST_WEB_PROCESSES));
      return { ctx, app, server, sockets, baseUrl: webCluster.baseUrl, running };
    }
    return { ctx, app, server, sockets, baseUrl: `http://127.0.0.1:${port}`, running };
  })();
  return hub;
}

let webCluster: { baseUrl: string; stop(): Promise<void> } | null = null;

async function startWebCluster(processes: number) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', HUB_WEB_PROCESSES: String(processes) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // mocha exits without closing the hub when test/setup/root.test.ts is not among the files run.
  process.once('exit', () => child.kill('SIGTERM'));
  await waitForPort('127.0.0.1', port, 'the web cluster', 120_000, child);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Closes the shared hub; called once by the root after-all hook. */
export async function closeTestHub(): Promise<void> {
  await webCluster?.stop();
  webCluster = null;
  if (!hub) return;
  const { running } = await hub;
  hub = null;
  await running.stop();
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny JSON client over fetch; `token` signs the request in. */
export async function api<T = any>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const { baseUrl } = await getTestHub();
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(baseUrl + path, { method, headers, body: body as BodyInit | undefined });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (CSV, HTML): keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}
