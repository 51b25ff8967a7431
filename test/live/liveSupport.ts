/**
 * Live test support: the shared test hub with Socket.IO attached (as server/main.ts does), a Socket.IO
 * client for the /live namespace, and a studio with products ready for booking.
 */
import path from 'node:path';
import { io as connectClient, type Socket } from 'socket.io-client';
import { ROOT } from '../../scripts/services.ts';

// mediasoup reads this when it loads; the build script caches the worker here.
process.env.MEDIASOUP_WORKER_BIN ||= path.join(ROOT, '.cache/mediasoup/3.19.3/mediasoup-worker');

import { api, getTestHub, type TestHub } from '../support/testHub.ts';
import { createCast, createUser, unique } from '../support/factories.ts';

/** The shared test hub; it has Socket.IO attached like production. */
export function getLiveHub(): Promise<TestHub> {
  return getTestHub();
}

export interface Reply<T = any> {
  data?: T;
  error?: { code: string; message: string; details?: unknown };
}

export async function connectLive(token?: string): Promise<Socket> {
  const { baseUrl } = await getLiveHub();
  const socket = connectClient(`${baseUrl}/live`, {
    auth: token ? { token } : {},
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Emits with an acknowledgement and resolves with the hub's reply ({data} or {error}). */
export function request<T = any>(socket: Socket, event: string, payload?: unknown): Promise<Reply<T>> {
  return socket.timeout(10_000).emitWithAck(event, payload) as Promise<Reply<T>>;
}

export function nextEvent<T = any>(
  socket: Socket,
  event: string,
  match: (payload: T) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}

export async function expectStatus<T = any>(res: { status: number; body: T }, status: number): Promise<T> {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An association with a filed-or-not base, a studio, a host, an enterprise with products. */
export async function liveWorld(options: { products?: { stock: number; priceFen: number }[] } = {}) {
  const cast = await createCast();
  const base = await expectStatus(
    await api('POST', '/api/v1/bases', { token: cast.associationUser.token, body: { name: unique('基地') } }),
    201,
  );
  const studio = await expectStatus(
    await api('POST', '/api/v1/studios', { token: cast.associationUser.token, body: { baseId: base.id, name: unique('一号直播间') } }),
    201,
  );
  const products = [];
  for (const p of options.products ?? [{ stock: 50, priceFen: 12800 }]) {
    products.push(
      await expectStatus(
        await api('POST', '/api/v1/products', {
          token: cast.enterpriseUser.token,
          body: { name: unique('德化白瓷杯'), category: 'ceramic', priceFen: p.priceFen, stock: p.stock },
        }),
        201,
      ),
    );
  }
  return { cast, base, studio, products };
}

export async function bookSession(
  world: Awaited<ReturnType<typeof liveWorld>>,
  overrides: Record<string, unknown> = {},
  token = world.cast.associationUser.token,
) {
  const startsAt = new Date(Date.now() + 3600_000);
  return api('POST', '/api/v1/sessions', {
    token,
    body: {
      studioId: world.studio.id,
      hostUserId: world.cast.host.id,
      title: unique('白瓷专场'),
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
      productIds: world.products.map((p) => p.id),
      ...overrides,
    },
  });
}

/** A live session: booked, then started by its host. */
export async function liveSession(world: Awaited<ReturnType<typeof liveWorld>>) {
  const session = await expectStatus(await bookSession(world), 201);
  return expectStatus(await api('POST', `/api/v1/sessions/${session.id}/start`, { token: world.cast.host.token }), 200);
}

export { createUser, unique };

/** Waits until the write-behind order queue is empty, so database assertions see every accepted order. */
export async function ordersPersisted(): Promise<void> {
  const { ctx } = await getLiveHub();
  await (ctx.services.orderPersister as { drained(): Promise<void> }).drained();
}
