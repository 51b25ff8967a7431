/**
 * Issue 11.3: a Redis restart must neither lose acknowledged orders nor oversell. Each case runs its own
 * redis-server on a free port, as `npm start` runs its own, kills it with SIGKILL and starts it again.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedis, type StartedService } from '../../scripts/services.ts';
import { liveWorld } from './liveSupport.ts';
import { placeOrder } from '../../server/commerce/orders/commands/placeOrder.ts';
import { OrderPersister } from '../../server/commerce/orders/orderPersister.ts';
import { OrderModel } from '../../server/commerce/orders/order.model.ts';
import { stockKey } from '../../server/commerce/orders/stockLedger.ts';
import { checkRedisPersistence } from '../../server/platform/redisPersistence.ts';
import type { AuthUser } from '../../server/platform/auth/roles.ts';

describe('orders across a Redis crash (kill -9 and restart)', function () {
  this.timeout(60_000);
  let dir = '';
  let port = 0;
  let server: StartedService | null = null;
  const clients: Redis[] = [];
  const prefix = `redisloss${process.pid}`;

  const connect = async () => {
    const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
  const kill9 = async () => {
    const child = server!.child!;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    for (const c of clients.splice(0)) c.disconnect();
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hub-redisloss-'));
    port = await freePort();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await server?.stop();
    server = null;
    rmSync(dir, { recursive: true, force: true });
  });

  async function buyerAndProduct(stock: number) {
    const world = await liveWorld({ products: [{ stock, priceFen: 1000 }] });
    const buyer: AuthUser = { id: world.cast.host.id, username: world.cast.host.username, role: 'host', orgId: world.cast.host.orgId };
    return { buyer, productId: world.products[0]!.id as string };
  }

  async function buyUntilSoldOut(redis: Redis, buyer: AuthUser, productId: string, tries: number, tag: string) {
    let sold = 0;
    const outcomes = await Promise.allSettled(
      Array.from({ length: tries }, (_, i) =>
        placeOrder({ redis, config: { REDIS_PREFIX: prefix } }, buyer, {
          productId,
          quantity: 1,
          idempotencyKey: `${tag}-${i}-${Date.now()}`,
        }),
      ),
    );
    for (const o of outcomes) {
      if (o.status === 'fulfilled') sold += 1;
      else expect((o.reason as { code?: string }).code, String(o.reason)).to.equal('sold_out');
    }
    return sold;
  }

  it('with a Redis that keeps nothing, the lost counter is rebuilt from the database: no oversell', async () => {
    server = await startRedis(path.join(dir, 'redis'), port, { persistent: false });
    let redis = await connect();
    expect((await checkRedisPersistence(redis)).durable).to.equal(false);
    const { buyer, productId } = await buyerAndProduct(10);

    const persisterConnection = redis.duplicate();
    clients.push(persisterConnection);
    const persister = new OrderPersister(persisterConnection, prefix);
    await persister.start();
    expect(await buyUntilSoldOut(redis, buyer, productId, 6, 'before')).to.equal(6);
    await persister.stop();
    expect(await OrderModel.countDocuments({ productId })).to.equal(6);

    await kill9();
    server = await startRedis(path.join(dir, 'redis'), port, { persistent: false });
    redis = await connect();
    expect(await redis.exists(stockKey(prefix, productId))).to.equal(0);

    // Three more are accepted but stay queued (no persister running), then the counter alone is lost.
    expect(await buyUntilSoldOut(redis, buyer, productId, 3, 'queued')).to.equal(3);
    expect(Number(await redis.get(stockKey(prefix, productId)))).to.equal(1);
    await redis.del(stockKey(prefix, productId));
    expect(await buyUntilSoldOut(redis, buyer, productId, 5, 'after')).to.equal(1);
    expect(Number(await redis.get(stockKey(prefix, productId)))).to.equal(0);
  });

  it("with the hub's own append-only Redis, every acknowledged order survives a kill -9 of Redis", async () => {
    server = await startRedis(path.join(dir, 'redis'), port, { persistent: true });
    let redis = await connect();
    expect(await checkRedisPersistence(redis)).to.deep.equal({ durable: true, problems: [] });
    const { buyer, productId } = await buyerAndProduct(1000);

    // No persister runs: every acknowledged order exists only in Redis when Redis dies.
    const acknowledged = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        placeOrder({ redis, config: { REDIS_PREFIX: prefix } }, buyer, {
          productId,
          quantity: 1,
          idempotencyKey: `aof-${i}-${Date.now()}`,
        }),
      ),
    );
    await kill9();
    server = await startRedis(path.join(dir, 'redis'), port, { persistent: true });
    redis = await connect();
    expect(Number(await redis.get(stockKey(prefix, productId)))).to.equal(800);

    const persisterConnection = redis.duplicate();
    clients.push(persisterConnection);
    const persister = new OrderPersister(persisterConnection, prefix);
    await persister.start();
    await persister.drained();
    await persister.stop();
    const ids = acknowledged.map((a) => a.order.id);
    expect(await OrderModel.countDocuments({ _id: { $in: ids } })).to.equal(200);
  });
});
